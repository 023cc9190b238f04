//! What every HTTP exchange of this crate shares, whoever sends it (the
//! call loop in `transport`, the token endpoint in `auth`): the retry rules,
//! the response limit, what a call did, and the log line. It names only
//! `error` and the secret-free facts it is given, so `auth`, `config` and
//! `transport` can all build on it without a cycle.

pub(crate) mod exchange;
pub(crate) mod limit;
pub(crate) mod record;
pub(crate) mod retry;
