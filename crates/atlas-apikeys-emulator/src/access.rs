//! API access lists: each key's entries (an address or a CIDR block), and
//! the organizations that require them. A key with entries calls only from
//! an address they hold (`IP_ADDRESS_NOT_ON_ACCESS_LIST`); in an
//! organization that requires lists, a key without entries is refused
//! (`ORG_REQUIRES_ACCESS_LIST`).

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

/// One entry of a key's access list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The first address (of a block) or the address.
    pub network: IpAddr,
    /// The prefix length, for a block.
    pub prefix: Option<u8>,
    /// Requests that came from it.
    pub count: u64,
    /// The address the last of them came from.
    pub last_used_address: Option<IpAddr>,
}

impl Entry {
    /// An address, or a block with no host bits set; `None` for anything
    /// else.
    pub fn parse(text: &str, block: bool) -> Option<Self> {
        let (network, prefix) = match (block, text.split_once('/')) {
            (false, None) => (text.parse().ok()?, None),
            (true, Some((net, prefix))) => (net.parse().ok()?, Some(prefix.parse::<u8>().ok()?)),
            _ => return None,
        };
        let entry = Entry {
            network,
            prefix,
            count: 0,
            last_used_address: None,
        };
        let most = if network.is_ipv4() { 32 } else { 128 };
        let exact = prefix.is_none_or(|p| p <= most && entry.first(network) == network);
        exact.then_some(entry)
    }

    /// How the API writes it: `203.0.113.10` or `203.0.113.0/24`.
    pub fn text(&self) -> String {
        match self.prefix {
            Some(p) => format!("{}/{p}", self.network),
            None => self.network.to_string(),
        }
    }

    /// Whether `address` is this entry or within its block.
    pub fn holds(&self, address: IpAddr) -> bool {
        match self.prefix {
            None => self.network == address,
            Some(_) => {
                self.network.is_ipv4() == address.is_ipv4() && self.first(address) == self.network
            }
        }
    }

    /// `address` with the bits past the prefix cleared.
    fn first(&self, address: IpAddr) -> IpAddr {
        let prefix = u32::from(self.prefix.unwrap_or(128));
        match address {
            IpAddr::V4(v4) => {
                let mask = u32::MAX.checked_shl(32 - prefix.min(32)).unwrap_or(0);
                IpAddr::from((u32::from(v4) & mask).to_be_bytes())
            }
            IpAddr::V6(v6) => {
                let mask = u128::MAX.checked_shl(128 - prefix.min(128)).unwrap_or(0);
                IpAddr::from((u128::from(v6) & mask).to_be_bytes())
            }
        }
    }
}

/// Every key's access list, and where lists are required.
#[derive(Debug, Default)]
pub struct AccessLists {
    /// Entries per key id, in the order added.
    pub entries: HashMap<String, Vec<Entry>>,
    /// Organizations whose keys may call only from their listed addresses.
    pub required_in: HashSet<String>,
}

/// Why a call was refused for where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The key has entries, and none holds the caller's address.
    NotOnList,
    /// The organization requires lists, and the key has none.
    ListRequired,
}

impl AccessLists {
    /// Whether key `key_id` of organization `org` may call from `address`;
    /// a call that may counts against the entry that lets it.
    pub fn admit(&mut self, org: &str, key_id: &str, address: IpAddr) -> Result<(), Refusal> {
        let list = self.entries.get_mut(key_id).filter(|l| !l.is_empty());
        let Some(list) = list else {
            return match self.required_in.contains(org) {
                true => Err(Refusal::ListRequired),
                false => Ok(()),
            };
        };
        let entry = list.iter_mut().find(|e| e.holds(address));
        let entry = entry.ok_or(Refusal::NotOnList)?;
        entry.count += 1;
        entry.last_used_address = Some(address);
        Ok(())
    }
}
