//! A key's access list: the addresses and CIDR blocks it may call from,
//! listed, added, read and removed (Atlas's `…/accessList` and its v1.0
//! twin). Entries are [`AccessEntry`] values, parsed before anything is
//! sent.

use atlas_apikeys_client::operations::{Answer, Request};
use atlas_apikeys_client::{AccessEntry, AccessListEntry, Op, Page};

use super::ApiKeys;
use super::pages::{PageRequest, every};
use crate::error::{Error, Rule, ValidationError};
use crate::ids::{ApiKeyId, OrgId};

/// An answer that is not the one the operation promises.
fn unexpected(what: &str) -> Error {
    Error::InvalidResponse {
        status: 200,
        reason: format!("the answer holds no {what}"),
        excerpt: String::new(),
    }
}

impl ApiKeys {
    /// One page of a key's access list (`listOrgApiKeyAccessListEntries`).
    pub async fn access_list_page(
        &self,
        org: &OrgId,
        key: &ApiKeyId,
        page: PageRequest,
    ) -> Result<Page<AccessListEntry>, Error> {
        let req = page.on(Request {
            org: Some(org),
            key: Some(key),
            ..Request::new(self.flags)
        });
        match self.send(Op::ListAccessEntries, req).await.0? {
            Answer::Entries(page) => Ok(page),
            _ => Err(unexpected("page of access-list entries")),
        }
    }

    /// A key's whole access list, page after page.
    pub async fn access_list(
        &self,
        org: &OrgId,
        key: &ApiKeyId,
    ) -> Result<Vec<AccessListEntry>, Error> {
        every("access-list entries", |page| {
            self.access_list_page(org, key, page)
        })
        .await
    }

    /// Adds addresses or CIDR blocks to a key's access list
    /// (`createOrgApiKeyAccessListEntry`): at least one, each once. Answers
    /// the list as it now is. Needs the Organization Owner role.
    pub async fn add_access_entries(
        &self,
        org: &OrgId,
        key: &ApiKeyId,
        entries: &[AccessEntry],
    ) -> Result<Page<AccessListEntry>, Error> {
        if entries.is_empty() {
            return Err(ValidationError::new("accessList", Rule::NoEntries, "[]").into());
        }
        for (n, entry) in entries.iter().enumerate() {
            if entries[..n].contains(entry) {
                let field = format!("accessList[{n}]");
                return Err(
                    ValidationError::new(field, Rule::DuplicateEntry, entry.to_string()).into(),
                );
            }
        }
        let req = Request {
            org: Some(org),
            key: Some(key),
            access_entries: Some(entries),
            ..Request::new(self.flags)
        };
        match self.send(Op::AddAccessEntries, req).await.0? {
            Answer::Entries(page) => Ok(page),
            _ => Err(unexpected("page of access-list entries")),
        }
    }

    /// One entry of a key's access list (`getOrgApiKeyAccessListEntry`).
    pub async fn access_entry(
        &self,
        org: &OrgId,
        key: &ApiKeyId,
        entry: &AccessEntry,
    ) -> Result<AccessListEntry, Error> {
        let named = entry.to_string();
        let req = Request {
            org: Some(org),
            key: Some(key),
            access_entry: Some(&named),
            ..Request::new(self.flags)
        };
        match self.send(Op::GetAccessEntry, req).await.0? {
            Answer::Entry(entry) => Ok(entry),
            _ => Err(unexpected("access-list entry")),
        }
    }

    /// Removes one entry from a key's access list
    /// (`deleteOrgApiKeyAccessListEntry`). Needs the Organization Owner
    /// role.
    pub async fn delete_access_entry(
        &self,
        org: &OrgId,
        key: &ApiKeyId,
        entry: &AccessEntry,
    ) -> Result<(), Error> {
        let named = entry.to_string();
        let req = Request {
            org: Some(org),
            key: Some(key),
            access_entry: Some(&named),
            ..Request::new(self.flags)
        };
        super::gone(self.send(Op::DeleteAccessEntry, req).await)
    }
}
