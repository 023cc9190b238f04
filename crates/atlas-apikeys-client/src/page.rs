//! A page of results, as every list operation answers: the items, the total
//! the server counted (when asked with `includeCount`), and links. Read
//! leniently but for `results`, which the API always sends (an answer
//! without it is not a page, and is not read as an empty one); written in
//! Atlas's shape, `{"results": [...], "totalCount": N}`, which the command
//! line prints.

use crate::key::Link;

/// One page of a list.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items on this page.
    pub results: Vec<T>,
    /// How many items there are in all, when the server counted them.
    pub total_count: Option<u64>,
    /// Related pages (`self`, `next`, `previous`) as the server links them.
    pub links: Vec<Link>,
}

impl<T> Page<T> {
    /// A page holding `results`, counted.
    pub fn of(results: Vec<T>) -> Self {
        Page {
            total_count: Some(results.len() as u64),
            results,
            links: Vec::new(),
        }
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Page<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Wire<T> {
            results: Vec<T>,
            total_count: Option<u64>,
            links: Option<Vec<Link>>,
        }
        let wire = Wire::deserialize(deserializer)?;
        Ok(Page {
            results: wire.results,
            total_count: wire.total_count,
            links: wire.links.unwrap_or_default(),
        })
    }
}

impl<T: serde::Serialize> serde::Serialize for Page<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut page = serializer.serialize_map(Some(2))?;
        page.serialize_entry("results", &self.results)?;
        page.serialize_entry("totalCount", &self.total_count)?;
        page.end()
    }
}
