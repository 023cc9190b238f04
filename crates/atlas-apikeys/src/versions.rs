//! The API versions codegen emitted, and choosing one by date the way Atlas
//! does: the newest release on or before the date asked for.

use atlas_apikeys_client::{ApiVersion, System, VERSIONS};

/// Every Atlas API version this build drives, oldest first.
pub fn atlas_versions() -> impl Iterator<Item = &'static ApiVersion> {
    VERSIONS
        .iter()
        .copied()
        .filter(|v| v.system == System::Atlas)
}

/// The newest Atlas API version this build drives.
pub fn latest_atlas_version() -> &'static ApiVersion {
    newest_version(System::Atlas)
        .or_else(|| VERSIONS.last().copied())
        .expect("codegen emits at least one version")
}

/// The newest version of `system` this build drives.
pub fn newest_version(system: System) -> Option<&'static ApiVersion> {
    VERSIONS.iter().copied().rfind(|v| v.system == system)
}

/// The Atlas version chosen for a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChosenVersion {
    /// The version module whose requests are sent.
    pub version: &'static ApiVersion,
    /// Whether the date asked for is that version's own date.
    pub exact: bool,
}

/// Why a date does not choose an Atlas version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VersionError {
    /// Not a calendar date in the form YYYY-MM-DD.
    #[error("{0:?} is not a date (YYYY-MM-DD)")]
    NotADate(String),
    /// A system this build drives no version of.
    #[error("{0} is not a system this build drives")]
    UnknownSystem(String),
    /// Earlier than the first versioned release of these endpoints.
    #[error("{date} is before {oldest}, the first release of these endpoints")]
    TooEarly {
        /// The date asked for.
        date: String,
        /// The first release.
        oldest: String,
    },
}

/// Checks `YYYY-MM-DD` is a real calendar date.
pub(crate) fn is_date(text: &str) -> bool {
    atlas_apikeys_client::calendar_date(text).is_some()
}

/// The first release of these endpoints: the oldest resource version any
/// Atlas version's media types name (`application/vnd.atlas.DATE+json`).
pub fn first_atlas_release() -> &'static str {
    atlas_versions()
        .flat_map(|v| v.operations.iter())
        .filter_map(|op| {
            let date = op
                .accept
                .strip_prefix("application/vnd.atlas.")?
                .get(..10)?;
            is_date(date).then_some(date)
        })
        .chain(atlas_versions().map(|v| v.version))
        .min()
        .unwrap_or_else(|| latest_atlas_version().version)
}

/// Chooses the Atlas version for `date` as Atlas does: the newest release on
/// or before it. A date between the first release of these endpoints and the
/// oldest version module chooses that module, whose requests name that
/// release.
///
/// ```
/// let chosen = atlas_apikeys::atlas_version_for("2099-12-31").unwrap();
/// assert_eq!(chosen.version, atlas_apikeys::latest_atlas_version());
/// assert!(atlas_apikeys::atlas_version_for("2019-01-01").is_err());
/// assert!(atlas_apikeys::atlas_version_for("2025-02-30").is_err());
/// ```
pub fn atlas_version_for(date: &str) -> Result<ChosenVersion, VersionError> {
    let date = date.trim();
    if !is_date(date) {
        return Err(VersionError::NotADate(crate::shown::show(date)));
    }
    let oldest = first_atlas_release();
    if date < oldest {
        return Err(VersionError::TooEarly {
            date: date.to_owned(),
            oldest: oldest.to_owned(),
        });
    }
    let version = VERSIONS
        .iter()
        .copied()
        .rfind(|v| v.system == System::Atlas && v.version <= date)
        .or_else(|| atlas_versions().next())
        .unwrap_or_else(latest_atlas_version);
    Ok(ChosenVersion {
        version,
        exact: version.version == date,
    })
}

/// The version to speak for `system`: on Atlas, the one `date` chooses, or
/// the newest when no date is pinned (then `exact` is false); elsewhere the
/// system's only version. Cloud Manager and Ops Manager ignore `date`.
pub fn version_for(system: System, date: Option<&str>) -> Result<ChosenVersion, VersionError> {
    match (system, date) {
        (System::Atlas, Some(date)) => atlas_version_for(date),
        (System::Atlas, None) => Ok(ChosenVersion {
            version: latest_atlas_version(),
            exact: false,
        }),
        (other, _) => newest_version(other)
            .map(|version| ChosenVersion {
                version,
                exact: true,
            })
            .ok_or_else(|| VersionError::UnknownSystem(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_date_chooses_itself_and_the_day_before_the_next_chooses_it_too() {
        let all: Vec<_> = atlas_versions().collect();
        for (i, v) in all.iter().enumerate() {
            let chosen = atlas_version_for(v.version).unwrap();
            assert_eq!(chosen.version, *v);
            assert!(chosen.exact);
            if let Some(next) = all.get(i + 1) {
                // A date strictly between two modules chooses the older.
                let between = format!("{}-28", &v.version[..7]);
                if between.as_str() > v.version && between.as_str() < next.version {
                    assert_eq!(atlas_version_for(&between).unwrap().version, *v);
                }
            }
        }
    }

    #[test]
    fn the_first_release_is_accepted_and_earlier_dates_are_not() {
        let first = first_atlas_release();
        let chosen = atlas_version_for(first).unwrap();
        assert_eq!(chosen.version, atlas_versions().next().unwrap());
        assert!(matches!(
            atlas_version_for("2000-01-01"),
            Err(VersionError::TooEarly { .. })
        ));
    }

    #[test]
    fn dates_are_calendar_dates() {
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2023-13-01"));
        assert!(!is_date("2023-1-01"));
        assert!(!is_date("２０２３-01-01"));
        assert!(matches!(
            atlas_version_for("latest"),
            Err(VersionError::NotADate(_))
        ));
    }
}
