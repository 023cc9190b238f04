//! Access-list entries: what a request adds (an IPv4 or IPv6 address, or a
//! CIDR block, exactly one, parsed) and what the server lists (read
//! leniently, printed in Atlas's shape).

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use crate::key::Link;

/// An address, or a block of addresses, a key may call from.
///
/// ```
/// use atlas_apikeys_client::AccessEntry;
/// let one: AccessEntry = "203.0.113.10".parse()?;
/// let block: AccessEntry = "2001:db8::/32".parse()?;
/// assert_eq!(block.to_string(), "2001:db8::/32");
/// assert!("203.0.113.10/24".parse::<AccessEntry>().is_err()); // host bits set
/// # Ok::<(), atlas_apikeys_client::AccessEntryError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccessEntry {
    /// One address (`ipAddress`).
    Address(IpAddr),
    /// A block of addresses (`cidrBlock`): its network address and prefix.
    Block {
        /// The first address of the block (no host bits set).
        network: IpAddr,
        /// The prefix length: at most 32 for IPv4, 128 for IPv6.
        prefix: u8,
    },
}

/// Input that is not an address or a CIDR block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("access-list entry {shown}: {problem}")]
pub struct AccessEntryError {
    shown: String,
    problem: String,
}

impl AccessEntryError {
    /// What is wrong with it.
    pub fn problem(&self) -> &str {
        &self.problem
    }

    /// The input as shown in messages (quoted, cut short, secrets withheld).
    pub fn shown(&self) -> &str {
        &self.shown
    }
}

impl AccessEntry {
    /// Parses `203.0.113.10`, `2001:db8::1`, `203.0.113.0/24` or
    /// `203.0.113.0%2F24` (the path's spelling).
    pub fn parse(input: &str) -> Result<Self, AccessEntryError> {
        let fail = |problem: String| AccessEntryError {
            shown: crate::shown::show(input),
            problem,
        };
        let text = input.trim().replace("%2F", "/").replace("%2f", "/");
        let address = |s: &str| {
            IpAddr::from_str(s).map_err(|_| {
                fail("must be an IPv4 or IPv6 address, or a CIDR block (address/prefix)".into())
            })
        };
        let Some((network, prefix)) = text.split_once('/') else {
            return Ok(AccessEntry::Address(address(&text)?));
        };
        let network = address(network)?;
        let most: u8 = if network.is_ipv4() { 32 } else { 128 };
        let prefix = prefix
            .parse::<u8>()
            .ok()
            .filter(|p| *p <= most)
            .ok_or_else(|| fail(format!("the prefix must be a number from 0 to {most}")))?;
        let bits = |a: IpAddr| match a {
            IpAddr::V4(v4) => u128::from(u32::from(v4)) << 96,
            IpAddr::V6(v6) => u128::from(v6),
        };
        let host = u128::MAX.checked_shr(u32::from(prefix)).unwrap_or(0);
        if bits(network) & host != 0 {
            let first = match network {
                IpAddr::V4(v4) => {
                    IpAddr::from((u32::from(v4) & !((host >> 96) as u32)).to_be_bytes())
                }
                IpAddr::V6(v6) => IpAddr::from((u128::from(v6) & !host).to_be_bytes()),
            };
            return Err(fail(format!(
                "has host bits set: the block is {first}/{prefix}"
            )));
        }
        Ok(AccessEntry::Block { network, prefix })
    }

    /// The `ipAddress` a request body sends for it, if it is one address.
    pub fn ip_address(&self) -> Option<String> {
        match self {
            AccessEntry::Address(a) => Some(a.to_string()),
            AccessEntry::Block { .. } => None,
        }
    }

    /// The `cidrBlock` a request body sends for it, if it is a block.
    pub fn cidr_block(&self) -> Option<String> {
        match self {
            AccessEntry::Block { network, prefix } => Some(format!("{network}/{prefix}")),
            AccessEntry::Address(_) => None,
        }
    }
}

impl fmt::Display for AccessEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AccessEntry::Address(a) => write!(f, "{a}"),
            AccessEntry::Block { network, prefix } => write!(f, "{network}/{prefix}"),
        }
    }
}

impl FromStr for AccessEntry {
    type Err = AccessEntryError;

    fn from_str(input: &str) -> Result<Self, AccessEntryError> {
        Self::parse(input)
    }
}

/// An access-list entry as the server lists it; every field may be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct AccessListEntry {
    /// The address, for an entry of one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// The block, in CIDR notation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
    /// When it was added (ISO 8601).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// When a request last came from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used: Option<String>,
    /// The address a request last came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_address: Option<String>,
    /// How many requests came from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// Related resources.
    #[serde(skip_serializing)]
    pub links: Vec<Link>,
}
