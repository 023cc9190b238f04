//! A local, stateful emulator of the slice of MongoDB's APIs that
//! programmatic API key management uses, for tests, demos and downstream
//! users' CI. MongoDB ships no local stand-in for Atlas, Cloud Manager or
//! Ops Manager.
//!
//! - Atlas Admin API v2 (`/api/atlas/v2`): an organization's keys (list,
//!   create, read, update, delete), a key's access list (list, add, read,
//!   remove), a project's keys (list, create, assign with POST, update with
//!   PATCH, unassign); versioned by
//!   `Accept: application/vnd.atlas.<date>+json`.
//! - Cloud Manager and Ops Manager public API v1.0 (`/api/public/v1.0`): the
//!   same, where the project PATCH both assigns and replaces roles.
//! - OAuth 2.0 client credentials (`/api/oauth/token`, `/api/oauth/revoke`)
//!   on Atlas and Cloud Manager.
//!
//! It authenticates as Atlas does (HTTP Digest with verified responses,
//! nonce lifetimes, anti-replay on `nc`; bearer tokens it issued), enforces
//! the documented roles and rules, answers with realistic `ApiError`s, and
//! can inject faults.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use atlas_apikeys_emulator::{Config, Emulator};
//! let emulator = Emulator::start(Config::default()).await?;
//! println!("Atlas emulator on {}", emulator.url());
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod access;
mod api;
pub mod buckets;
pub mod config;
pub mod digest;
pub mod faults;
pub mod proxy;
pub mod roles;
mod script;
mod seed;
mod server;
pub mod state;
mod system;
pub mod tls;
pub mod versioning;

use std::net::SocketAddr;
use std::sync::Arc;

pub use api::basic_credentials;
pub use buckets::{BucketScope, EndpointSet};
pub use config::{Config, ConfigError, Grants, Project, RateLimitConfig, Seed, defaults};
pub use faults::{Fault, FaultConfig};
pub use script::{MAX_SCRIPTED, MAX_SEEN, Reply, Seen};
pub use state::Counters;
pub use system::System;

/// A running emulator; stops when dropped.
pub struct Emulator {
    addr: SocketAddr,
    app: Arc<api::App>,
    task: tokio::task::JoinHandle<()>,
}

impl Emulator {
    /// Binds `config.bind` (loopback and a free port by default) and serves.
    pub async fn start(config: Config) -> std::io::Result<Self> {
        config
            .check()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))?;
        let tls = match &config.tls {
            Some(tls) => Some(
                tls.acceptor()
                    .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?,
            ),
            None => None,
        };
        let listener = tokio::net::TcpListener::bind(config.bind).await?;
        let addr = listener.local_addr()?;
        let app = Arc::new(api::App {
            state: std::sync::Mutex::new(state::State::new(&config)),
            config,
        });
        let task = tokio::spawn(server::serve(listener, app.clone(), tls));
        Ok(Self { addr, app, task })
    }

    /// `http://127.0.0.1:<port>` (`https://` with [`Config::tls`]): the
    /// base URL to give a client.
    pub fn url(&self) -> String {
        let scheme = if self.app.config.tls.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What the emulator counted so far.
    pub fn counters(&self) -> Counters {
        self.app.lock().counters
    }

    /// Queues a fault for the next API request (that `route` takes, if
    /// given: a path prefix, optionally after a method, `*` for any one
    /// segment; see [`faults::route_matches`]).
    pub fn inject(&self, route: Option<&str>, fault: Fault) {
        self.app.lock().faults.inject(route, fault);
    }

    /// Answers the next authenticated API request with `reply` instead of
    /// handling it (nothing changes); queued in order.
    pub fn reply(&self, reply: Reply) {
        script::Script::push(&mut self.app.lock().script.replies, reply);
    }

    /// Answers the next token request with `reply` instead of a token.
    pub fn token_reply(&self, reply: Reply) {
        script::Script::push(&mut self.app.lock().script.token_replies, reply);
    }

    /// Forgets every nonce right after the next scripted reply is given.
    pub fn rotate_nonces_after_next_reply(&self) {
        self.app.lock().script.rotate_after_reply = true;
    }

    /// Sends `header` as the only challenge of every 401 (`None`: no
    /// challenge at all), for clients facing odd servers.
    pub fn challenge_override(&self, header: Option<&str>) {
        self.app.lock().script.challenge_override = Some(header.map(str::to_owned));
    }

    /// The requests seen so far, oldest first (the newest [`MAX_SEEN`]).
    pub fn seen(&self) -> Vec<Seen> {
        self.app.lock().script.seen.iter().cloned().collect()
    }

    /// Like [`seen`](Self::seen), and empties the log.
    pub fn take_seen(&self) -> Vec<Seen> {
        std::mem::take(&mut self.app.lock().script.seen).into()
    }

    /// Drops every queued fault not yet drawn (an outage ends).
    pub fn clear_injected(&self) {
        self.app.lock().faults.clear_queue();
    }

    /// Replaces the random-fault configuration.
    pub fn configure_faults(&self, faults: FaultConfig) {
        self.app.lock().faults.configure(faults);
    }

    /// Forgets every digest nonce: the next digest request is answered
    /// `stale=true`.
    pub fn rotate_nonces(&self) {
        self.app.lock().nonces.clear();
    }

    /// Invalidates every issued access token.
    pub fn expire_tokens(&self) {
        self.app.lock().tokens.clear();
    }

    /// Whether organization `org`'s keys may call only from the addresses
    /// on their access lists (`IP_ADDRESS_NOT_ON_ACCESS_LIST` otherwise).
    pub fn require_access_list(&self, org: &str, required: bool) {
        let mut state = self.app.lock();
        if required {
            state.access.required_in.insert(org.to_owned());
        } else {
            state.access.required_in.remove(org);
        }
    }

    /// Key `id`'s access list, as the API writes its entries.
    pub fn access_list(&self, id: &str) -> Vec<String> {
        let state = self.app.lock();
        let entries = state.access.entries.get(id);
        entries
            .into_iter()
            .flatten()
            .map(access::Entry::text)
            .collect()
    }

    /// A key's current state, as the seed describes keys.
    pub fn api_key(&self, id: &str) -> Option<config::ApiKey> {
        self.app.lock().keys.get(id).cloned()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.task.abort();
    }
}
