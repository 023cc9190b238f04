//! Atlas resource versioning: `Accept: application/vnd.atlas.<date>+json`
//! resolves to the newest resource version on or before that date.

/// Resource versions of the emulated operations, oldest first: the ones the
/// client's generated media tables name.
pub use atlas_apikeys_client::media::ATLAS_RESOURCE_VERSIONS as RESOURCE_VERSIONS;

/// The media type of a successful Atlas answer: the newest resource version.
pub fn success_type() -> &'static str {
    static TYPE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        RESOURCE_VERSIONS
            .last()
            .map_or("application/json".into(), |v| {
                format!("application/vnd.atlas.{v}+json;charset=utf-8")
            })
    });
    &TYPE
}

/// `YYYY-MM-DD` as a comparable tuple, when it is a real calendar date.
pub use atlas_apikeys_client::calendar_date as parse_date;

/// Why a request's version cannot be served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// 406 or 410.
    pub status: u16,
    /// The `errorCode`.
    pub code: &'static str,
    /// The `detail`.
    pub detail: String,
}

/// The versioned media type of the request's `Accept`, resolved to a
/// resource version; `gone_before` makes older requested dates 410.
pub fn negotiate(accept: Option<&str>, gone_before: Option<&str>) -> Result<&'static str, Refusal> {
    let refuse = |status, code, detail: String| Refusal {
        status,
        code,
        detail,
    };
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Err(refuse(
            406,
            "INVALID_ACCEPT_HEADER",
            "Specify a versioned media type: Accept: application/vnd.atlas.<YYYY-MM-DD>+json."
                .into(),
        ));
    };
    let requested = accept.split(',').find_map(|range| {
        let media = range.split(';').next()?.trim();
        let rest = media.strip_prefix("application/vnd.atlas.")?;
        let date = rest.strip_suffix("+json")?;
        Some(date.to_owned())
    });
    let Some(date) = requested else {
        return Err(refuse(
            406,
            "INVALID_ACCEPT_HEADER",
            format!("The Accept header {accept:?} names no versioned Atlas media type."),
        ));
    };
    let Some(when) = parse_date(&date) else {
        return Err(refuse(
            406,
            "INVALID_VERSION_DATE",
            format!("{date:?} is not a version date (YYYY-MM-DD)."),
        ));
    };
    if let Some(gone) = gone_before.and_then(parse_date)
        && when < gone
    {
        return Err(refuse(
            410,
            "VERSION_GONE",
            format!("API version {date} is no longer supported; use a newer version."),
        ));
    }
    RESOURCE_VERSIONS
        .iter()
        .rev()
        .find(|v| parse_date(v).is_some_and(|v| v <= when))
        .copied()
        .ok_or_else(|| {
            refuse(
                406,
                "VERSION_NOT_FOUND",
                format!("No version of this resource exists on or before {date}."),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_on_or_before_the_date() {
        assert_eq!(
            negotiate(Some("application/vnd.atlas.2025-02-19+json"), None),
            Ok("2023-01-01")
        );
        assert_eq!(
            negotiate(
                Some("application/vnd.atlas.2023-01-01+json;charset=utf-8"),
                None
            ),
            Ok("2023-01-01")
        );
        assert_eq!(
            negotiate(
                Some("text/html, application/vnd.atlas.2024-05-30+json"),
                None
            ),
            Ok("2023-01-01")
        );
        assert_eq!(
            negotiate(Some("application/vnd.atlas.2022-12-31+json"), None)
                .unwrap_err()
                .status,
            406
        );
        for bad in [
            None,
            Some(""),
            Some("application/json"),
            Some("*/*"),
            Some("application/vnd.atlas.2023-13-01+json"),
        ] {
            assert_eq!(negotiate(bad, None).unwrap_err().status, 406, "{bad:?}");
        }
        let gone = negotiate(
            Some("application/vnd.atlas.2023-02-01+json"),
            Some("2024-01-01"),
        )
        .unwrap_err();
        assert_eq!((gone.status, gone.code), (410, "VERSION_GONE"));
        assert!(
            negotiate(
                Some("application/vnd.atlas.2025-02-19+json"),
                Some("2024-01-01")
            )
            .is_ok()
        );
    }
}
