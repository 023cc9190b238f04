//! Where a service account's access token is kept between processes.

use std::time::SystemTime;

use crate::Secret;

/// Keeps a service account's access token (never its secret) between
/// processes, so that a program run many times an hour does not mint a
/// token each time: Atlas allows 100 active tokens per service account and
/// about ten token requests a minute. The client reads it when it holds no
/// token, keeps what it fetches, and clears it when the server refuses it
/// or it is revoked. One store serves one base URL and client id.
pub trait TokenStore: Send + Sync {
    /// The token kept, and when it expires, if any.
    fn load(&self) -> Option<(Secret, SystemTime)>;
    /// Keeps `token`, which expires at `expires`.
    fn save(&self, token: &Secret, expires: SystemTime);
    /// Forgets the token kept.
    fn clear(&self);
}
