//! Atlas resource versioning: version dates, and resolving an operation to
//! the content version in force on a target date (the newest on or before it).

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;

use serde_json::{Map, Value};

use super::{Ctx, ImportError};
use crate::jsonpath;
use crate::operations::Operation;

/// A version date, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiDate {
    year: u16,
    month: u8,
    day: u8,
}

impl ApiDate {
    /// Parses `YYYY-MM-DD`, with a message naming the value on failure.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("version {text:?} is not a date of the form YYYY-MM-DD");
        let b = text.as_bytes();
        if !text.is_ascii() || b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let digits = [0, 1, 2, 3, 5, 6, 8, 9]
            .iter()
            .all(|&i| b[i].is_ascii_digit());
        if !digits {
            return Err(bad());
        }
        let num = |s: &str| s.parse::<u16>().map_err(|_| bad());
        let (year, month, day) = (num(&text[..4])?, num(&text[5..7])?, num(&text[8..])?);
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(format!(
                "version {text:?} is not a calendar date YYYY-MM-DD (no day {day} in {year:04}-{month:02})"
            ));
        }
        Ok(Self {
            year,
            month: month as u8,
            day: day as u8,
        })
    }

    /// The first `YYYY-MM-DD` in a file's name, as in `atlas-api-2025-02-19.yaml`.
    pub fn from_file_name(path: &Path) -> Option<Self> {
        let name = path.file_name()?.to_str()?;
        (0..name.len().saturating_sub(9))
            .filter(|&i| name.is_char_boundary(i) && name.is_char_boundary(i + 10))
            .find_map(|i| Self::parse(&name[i..i + 10]).ok())
    }

    /// The date a versioned media type carries: `application/vnd.atlas.2023-01-01+json`.
    pub fn from_media_type(media_type: &str) -> Option<Self> {
        let at = media_type.find("vnd.atlas.")? + "vnd.atlas.".len();
        Self::parse(media_type.get(at..at + 10)?).ok()
    }
}

fn days_in_month(year: u16, month: u16) -> u16 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for ApiDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The version of one media-type entry: `x-xgen-version`, else the date in
/// the media type's name; `None` for unversioned types (`application/json`).
fn entry_version(media_type: &str, entry: &Value) -> Option<ApiDate> {
    entry
        .get("x-xgen-version")
        .and_then(Value::as_str)
        .and_then(|v| ApiDate::parse(v).ok())
        .or_else(|| ApiDate::from_media_type(media_type))
}

/// Every release date `doc` declares: each `x-xgen-version`, and each date in
/// a versioned media type (`application/vnd.atlas.YYYY-MM-DD+json`), anywhere
/// in the document.
pub fn declared_dates(doc: &Value) -> BTreeSet<ApiDate> {
    fn walk(value: &Value, out: &mut BTreeSet<ApiDate>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    if let Some(date) = ApiDate::from_media_type(key) {
                        out.insert(date);
                    }
                    if key == "x-xgen-version"
                        && let Some(date) = v.as_str().and_then(|s| ApiDate::parse(s).ok())
                    {
                        out.insert(date);
                    }
                    walk(v, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    for part in ["paths", "components"].iter().filter_map(|k| doc.get(k)) {
        walk(part, &mut out);
    }
    out
}

fn versions_of(content: Option<&Value>) -> BTreeSet<ApiDate> {
    content
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| entry_version(k, v))
        .collect()
}

/// The dates, comma-separated, for messages.
pub fn list_dates(versions: &BTreeSet<ApiDate>) -> String {
    let v: Vec<String> = versions.iter().map(ToString::to_string).collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

/// Returns a copy of `operation` whose request body and responses carry only
/// the media types of the version in force on `date` (plus unversioned ones).
/// References to bodies or responses with versioned content are inlined so
/// they can be filtered; the rest stay references.
pub(super) fn resolve_operation(
    ctx: &Ctx<'_>,
    operation: &Value,
    op: &Operation,
    op_ptr: &str,
    date: ApiDate,
) -> Result<Value, ImportError> {
    let mut out = operation.clone();
    let body_ptr = jsonpath::push(op_ptr, "requestBody");
    let body = operation
        .get("requestBody")
        .map(|b| ctx.resolve(b, &body_ptr))
        .transpose()?;
    let responses_ptr = jsonpath::push(op_ptr, "responses");
    let mut responses = Vec::new();
    match operation.get("responses") {
        Some(Value::Object(map)) => {
            for (status, response) in map {
                let ptr = jsonpath::push(&responses_ptr, status);
                responses.push((status.clone(), ctx.resolve(response, &ptr)?, ptr));
            }
        }
        Some(_) => return Err(ctx.shape(responses_ptr, "a map of responses")),
        None => {}
    }

    let mut all = versions_of(body.and_then(|b| b.get("content")));
    for (_, response, _) in &responses {
        all.extend(versions_of(response.get("content")));
    }
    if all.is_empty() && !op.required {
        // An optional operation without a dated media type is not offered
        // as a version of the API.
        return Err(ImportError::Undated {
            file: ctx.file.to_owned(),
            operation: op.label(),
        });
    }
    if all.is_empty() {
        return Ok(out); // Unversioned API: nothing to choose.
    }
    let Some(&chosen) = all.range(..=date).next_back() else {
        return Err(ImportError::NoContentForDate {
            file: ctx.file.to_owned(),
            operation: op.label(),
            date,
            available: list_dates(&all),
        });
    };

    if let Some(body) = body
        && !versions_of(body.get("content")).is_empty()
    {
        out["requestBody"] = filtered(ctx, body, chosen, &body_ptr)?;
    }
    for (status, response, ptr) in responses {
        if !versions_of(response.get("content")).is_empty() {
            out["responses"][&status] = filtered(ctx, response, chosen, &ptr)?;
        }
    }
    Ok(out)
}

/// Whether a media-type entry is a preview (`application/vnd.atlas.preview+json`,
/// `x-xgen-version: preview`): not a release, and never imported.
fn preview(media_type: &str, entry: &Value) -> bool {
    media_type.contains("vnd.atlas.preview")
        || entry
            .get("x-xgen-version")
            .and_then(Value::as_str)
            .is_some_and(|v| ApiDate::parse(v).is_err())
}

fn filtered(
    ctx: &Ctx<'_>,
    holder: &Value,
    chosen: ApiDate,
    pointer: &str,
) -> Result<Value, ImportError> {
    let content_ptr = jsonpath::push(pointer, "content");
    let Some(content) = holder.get("content").and_then(Value::as_object) else {
        return Err(ctx.shape(content_ptr, "a map of media types"));
    };
    let kept: Map<String, Value> = content
        .iter()
        .filter(|(k, v)| !preview(k, v) && entry_version(k, v).is_none_or(|v| v == chosen))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !kept.iter().any(|(k, v)| entry_version(k, v).is_some()) {
        return Err(ImportError::InconsistentVersions {
            file: ctx.file.to_owned(),
            pointer: content_ptr,
            version: chosen,
            available: list_dates(&versions_of(Some(&Value::Object(content.clone())))),
        });
    }
    let mut out = holder.clone();
    out["content"] = Value::Object(kept);
    Ok(out)
}
