//! Listing keys: one page when asked for one, or every page in turn, up to
//! a bound on what is held.

use atlas_apikeys_client::operations::{Answer, Request};
use atlas_apikeys_client::{Op, Page};

use super::ApiKeys;
use crate::error::{Error, Rule, ValidationError};
use crate::ids::{OrgId, ProjectId};
use crate::response::ApiKey;

/// The most items a listing of every page holds; past it, read a page at a
/// time ([`ApiKeys::org_keys_page`]).
pub const MAX_LISTED: usize = 100_000;

/// The most items the API puts on one page (`itemsPerPage`).
pub const MAX_PAGE_ITEMS: u32 = 500;

/// Which page to ask for: `pageNum` from 1, `itemsPerPage` from 1 to 500
/// (the API's default is 100).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    page_num: u32,
    items_per_page: u32,
}

impl PageRequest {
    /// Page `page_num` (from 1) of `items_per_page` items (1 to 500).
    pub fn new(page_num: u32, items_per_page: u32) -> Result<Self, ValidationError> {
        let check = |field: &str, value: u32, max: u32| {
            if (1..=max).contains(&value) {
                Ok(())
            } else {
                let rule = Rule::OutOfRange { min: 1, max };
                Err(ValidationError::new(field, rule, value.to_string()))
            }
        };
        check("pageNum", page_num, u32::MAX)?;
        check("itemsPerPage", items_per_page, MAX_PAGE_ITEMS)?;
        Ok(PageRequest {
            page_num,
            items_per_page,
        })
    }

    /// The page number, from 1.
    pub fn page_num(&self) -> u32 {
        self.page_num
    }

    /// The page size.
    pub fn items_per_page(&self) -> u32 {
        self.items_per_page
    }
}

/// Where a listing reads from.
#[derive(Clone, Copy)]
enum Scope<'a> {
    Org(&'a OrgId),
    Project(&'a ProjectId),
}

impl ApiKeys {
    /// One page of an organization's API keys (`listOrgApiKeys`), counted.
    /// Needs a role in the organization.
    pub async fn org_keys_page(
        &self,
        org: &OrgId,
        page: PageRequest,
    ) -> Result<Page<ApiKey>, Error> {
        self.keys_page(Scope::Org(org), page).await
    }

    /// Every API key of an organization, page after page (500 a page), at
    /// most [`MAX_LISTED`].
    pub async fn list_org_keys(&self, org: &OrgId) -> Result<Vec<ApiKey>, Error> {
        self.every_key(Scope::Org(org)).await
    }

    /// One page of the organization API keys assigned to a project
    /// (`listGroupApiKeys`), counted. Needs a role in the project.
    pub async fn project_keys_page(
        &self,
        project: &ProjectId,
        page: PageRequest,
    ) -> Result<Page<ApiKey>, Error> {
        self.keys_page(Scope::Project(project), page).await
    }

    /// Every organization API key assigned to a project, page after page,
    /// at most [`MAX_LISTED`].
    pub async fn list_project_keys(&self, project: &ProjectId) -> Result<Vec<ApiKey>, Error> {
        self.every_key(Scope::Project(project)).await
    }

    async fn keys_page(&self, scope: Scope<'_>, page: PageRequest) -> Result<Page<ApiKey>, Error> {
        let (op, org, project) = match scope {
            Scope::Org(org) => (Op::ListOrgKeys, Some(org), None),
            Scope::Project(project) => (Op::ListProjectKeys, None, Some(project)),
        };
        let req = page.on(Request {
            org,
            project,
            ..Request::new(self.flags)
        });
        match self.send(op, req).await.0? {
            Answer::Keys(page) => Ok(page),
            _ => Err(Error::InvalidResponse {
                status: 200,
                reason: "the answer holds no page of API keys".into(),
                excerpt: String::new(),
            }),
        }
    }

    async fn every_key(&self, scope: Scope<'_>) -> Result<Vec<ApiKey>, Error> {
        every("API keys", |page| self.keys_page(scope, page)).await
    }
}

/// Pages of `what` in turn, 500 a page, until the count the server gave
/// is reached (or, without one, a page comes back short) or a page is
/// empty; a server that repeats pages stops at [`MAX_LISTED`]. `fetch`
/// returns a future rather than being an async closure: an async
/// closure's future cannot be shown `Send`, and a list must run in a
/// spawned task.
pub(super) async fn every<T, F>(
    what: &'static str,
    mut fetch: impl FnMut(PageRequest) -> F,
) -> Result<Vec<T>, Error>
where
    F: std::future::Future<Output = Result<Page<T>, Error>>,
{
    let mut all: Vec<T> = Vec::new();
    for page_num in 1.. {
        let page = PageRequest {
            page_num,
            items_per_page: MAX_PAGE_ITEMS,
        };
        let page = fetch(page).await?;
        let (got, total) = (page.results.len(), page.total_count);
        if all.len() + got > MAX_LISTED {
            return Err(Error::ListTooLong {
                limit: MAX_LISTED,
                what,
            });
        }
        all.extend(page.results);
        // The count decides when the server gave one (a server may cap
        // pages below 500); without it, a short page is the last.
        let done = match total {
            Some(total) => all.len() as u64 >= total,
            None => got < MAX_PAGE_ITEMS as usize,
        };
        if got == 0 || done {
            break;
        }
    }
    Ok(all)
}

impl PageRequest {
    /// The query parameters of this page, on `req`.
    pub(super) fn on<'a>(&self, req: Request<'a>) -> Request<'a> {
        Request {
            include_count: Some(true),
            page_num: Some(i64::from(self.page_num)),
            items_per_page: Some(i64::from(self.items_per_page)),
            ..req
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs [`every`] against a server that answers each page full and
    /// claims `total` items; returns its result and the pages asked for.
    fn against(total: u64) -> (Result<Vec<()>, Error>, u32) {
        let mut asked = 0;
        let run = every("API keys", |page: PageRequest| {
            asked += 1;
            let full = vec![(); page.items_per_page as usize];
            let mut page = Page::of(full);
            page.total_count = Some(total);
            std::future::ready(Ok(page))
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        (runtime.block_on(run), asked)
    }

    #[test]
    fn a_server_that_never_stops_is_cut_off_at_the_bound_held() {
        let pages_to_bound = MAX_LISTED.div_ceil(MAX_PAGE_ITEMS as usize) as u32;
        let (listed, asked) = against(u64::MAX);
        assert!(
            matches!(listed, Err(Error::ListTooLong { limit, what: "API keys" }) if limit == MAX_LISTED),
            "{listed:?}"
        );
        // No page past the one that would cross the bound is asked for.
        assert!(asked <= pages_to_bound + 1, "{asked} pages");

        // A list exactly at the bound is whole.
        let (listed, _) = against(MAX_LISTED as u64);
        assert_eq!(listed.unwrap().len(), MAX_LISTED);
    }
}
