//! `org-key access-list list|create|delete` and the Atlas CLI's
//! `organizations apiKeys accessLists …`: a key's access list, with its
//! entries parsed before anything is sent.

use atlas_apikeys::{AccessEntry, AccessListEntry, ApiKeyId, OrgId, Page};
use serde_json::json;

use crate::cli::{EntryArgs, PageArgs};
use crate::commands::{Commands, page_of};
use crate::exit::Failure;
use crate::output::{self, Format};
use crate::setup::parse_id;

impl Commands<'_> {
    /// The organization and key of an Atlas CLI access-list command:
    /// `--orgId` (or the default) and `--apiKey`.
    pub fn org_and_key(&self, org: Option<&str>, key: &str) -> Result<(OrgId, ApiKeyId), Failure> {
        let org = self.setup.org(org, "--orgId").map_err(Failure::usage)?;
        Ok((org, parse_id(key, "API_KEY_ID").map_err(Failure::usage)?))
    }

    /// Lists the access list: every page, or the one `--page` names.
    pub async fn access_list(
        &self,
        org: OrgId,
        key: ApiKeyId,
        page: &PageArgs,
    ) -> Result<(), Failure> {
        let page = page_of(page)?;
        let keys = self.setup.client()?;
        let listed = match page {
            Some(page) => {
                self.send_or_plan(keys.access_list_page(&org, &key, page))
                    .await?
            }
            None => {
                let every = async { keys.access_list(&org, &key).await.map(Page::of) };
                self.send_or_plan(every).await?
            }
        };
        listed.map_or(Ok(()), |page| print_entries(self.format, &page))
    }

    /// Adds `--ip` and `--cidr` entries, each parsed first.
    pub async fn add_access(
        &self,
        org: OrgId,
        key: ApiKeyId,
        given: &EntryArgs,
    ) -> Result<(), Failure> {
        let mut entries = Vec::new();
        for (flag, values) in [("--ip", &given.ip), ("--cidr", &given.cidr)] {
            for value in values {
                let entry = AccessEntry::parse(value).map_err(|e| {
                    Failure::usage(format!("{flag} {}: {}", e.shown(), e.problem()))
                })?;
                let block = matches!(entry, AccessEntry::Block { .. });
                if block != (flag == "--cidr") {
                    let wanted = if block { "--cidr" } else { "--ip" };
                    let shown = atlas_apikeys::shown::show(value);
                    let why = format!("{flag} {shown}: give it with {wanted}");
                    return Err(Failure::usage(why));
                }
                entries.push(entry);
            }
        }
        let keys = self.setup.client()?;
        let added = self
            .send_or_plan(keys.add_access_entries(&org, &key, &entries))
            .await?;
        added.map_or(Ok(()), |page| print_entries(self.format, &page))
    }

    /// Shows one entry.
    pub async fn describe_access(
        &self,
        org: OrgId,
        key: ApiKeyId,
        entry: &str,
    ) -> Result<(), Failure> {
        let entry = AccessEntry::parse(entry)
            .map_err(|e| Failure::usage(format!("--entry {}: {}", e.shown(), e.problem())))?;
        let keys = self.setup.client()?;
        let Some(found) = self
            .send_or_plan(keys.access_entry(&org, &key, &entry))
            .await?
        else {
            return Ok(());
        };
        let value = serde_json::to_value(&found).unwrap_or(serde_json::Value::Null);
        output::print(self.format, &value, || {
            let at = found.ip_address.as_deref().or(found.cidr_block.as_deref());
            let mut rows = vec![("entry", at.unwrap_or("?").to_owned())];
            let fields = [
                ("cidr block", &found.cidr_block),
                ("created", &found.created),
                ("last used", &found.last_used),
                ("last used from", &found.last_used_address),
            ];
            rows.extend(
                fields
                    .into_iter()
                    .filter_map(|(k, v)| Some((k, v.clone()?))),
            );
            rows.push(("requests", found.count.unwrap_or(0).to_string()));
            rows
        })
    }

    /// Removes one entry, asked first unless `--force`.
    pub async fn delete_access(
        &self,
        org: OrgId,
        key: ApiKeyId,
        entry: &str,
        force: bool,
    ) -> Result<(), Failure> {
        let entry = AccessEntry::parse(entry)
            .map_err(|e| Failure::usage(format!("--entry {}: {}", e.shown(), e.problem())))?;
        let action = format!("remove {entry} from the access list of API key {key}");
        let done =
            json!({ "result": "deleted", "entry": entry.to_string(), "id": key, "orgId": org });
        self.remove(force, &action, done, async move |keys| {
            keys.delete_access_entry(&org, &key, &entry).await
        })
        .await
    }
}

/// A page of entries: Atlas's shape in JSON, a line per entry in a table.
fn print_entries(format: Format, page: &Page<AccessListEntry>) -> Result<(), Failure> {
    let value = serde_json::to_value(page).unwrap_or(serde_json::Value::Null);
    output::print(format, &value, || {
        let mut rows: Vec<(&str, String)> = page
            .results
            .iter()
            .map(|e| {
                let at = e
                    .ip_address
                    .as_deref()
                    .or(e.cidr_block.as_deref())
                    .unwrap_or("?");
                let used = e.last_used.as_deref().unwrap_or("never used");
                ("entry", format!("{at}  {used}"))
            })
            .collect();
        let total = page.total_count.map_or("?".into(), |t| t.to_string());
        rows.push(("total", total));
        rows
    })
}
