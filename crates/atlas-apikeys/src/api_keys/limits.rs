//! The server's rate limits (`listRateLimits`, Atlas from resource version
//! 2025-03-12): the buckets that apply to the caller, and teaching them to
//! the client's pace.

use atlas_apikeys_client::operations::{Answer, Request};
use atlas_apikeys_client::{EndpointLimit, Op};

use super::ApiKeys;
use super::pages::every;
use crate::error::Error;
use crate::ids::OrgId;

impl ApiKeys {
    /// The rate-limit buckets that apply to the caller in `org` (every
    /// endpoint set, every page). [`Error::Unsupported`] on a version or
    /// system that does not describe them.
    pub async fn rate_limits(&self, org: &OrgId) -> Result<Vec<EndpointLimit>, Error> {
        every("rate limits", |page| async move {
            let req = page.on(Request {
                org: Some(org),
                ..Request::new(self.flags)
            });
            match self.send(Op::ListRateLimits, req).await.0? {
                Answer::RateLimits(page) => Ok(page),
                _ => Err(Error::InvalidResponse {
                    status: 200,
                    reason: "the answer holds no page of rate limits".into(),
                    excerpt: String::new(),
                }),
            }
        })
        .await
    }

    /// Reads the buckets that apply in `org` and paces this client (and its
    /// clones) by them: no request is sent into a bucket the client knows to
    /// be empty. Where the server does not describe them (another version
    /// or system, or a caller without the right to read them), the client
    /// keeps learning from the answers' headers, and this says why.
    pub async fn learn_rate_limits(&self, org: &OrgId) -> Result<usize, Error> {
        let sets = self.rate_limits(org).await?;
        let learnt = sets.len();
        self.pace().learn(sets);
        Ok(learnt)
    }
}
