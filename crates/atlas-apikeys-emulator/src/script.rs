//! Scripted answers and observations for transport tests: a reply given in
//! place of the operation once a request has authenticated, a reply in
//! place of a token, a challenge header to send instead of the real ones,
//! and the requests seen, as they arrived. Every queue and log is capped.

use std::collections::VecDeque;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

/// At most this many scripted replies wait in a queue.
pub const MAX_SCRIPTED: usize = 4096;
/// At most this many requests are kept in the log (the oldest go first).
pub const MAX_SEEN: usize = 4096;

/// A scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// `Content-Type`, if any.
    pub content_type: Option<&'static str>,
    /// Body bytes.
    pub body: Vec<u8>,
    /// Extra response headers.
    pub headers: Vec<(String, String)>,
}

impl Reply {
    /// A JSON reply.
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self::raw(status, "application/json", &body.to_string())
    }

    /// A reply with an explicit content type and raw body.
    pub fn raw(status: u16, content_type: &'static str, body: &str) -> Self {
        Self {
            status,
            content_type: Some(content_type),
            body: body.as_bytes().to_vec(),
            headers: Vec::new(),
        }
    }

    /// A reply without a body.
    pub fn empty(status: u16) -> Self {
        Self {
            content_type: None,
            ..Self::raw(status, "", "")
        }
    }

    /// Adds a response header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The reply as an HTTP response.
    pub fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() =
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let Some(ct) = self.content_type {
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
        }
        for (name, value) in self.headers {
            if let (Ok(n), Ok(v)) = (
                header::HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(&value),
            ) {
                response.headers_mut().append(n, v);
            }
        }
        response
    }
}

/// One request as the emulator received it, and whether it authenticated.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Method.
    pub method: String,
    /// The path, percent-encoded as sent, prefix included.
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// Every header, `Authorization` included.
    pub headers: HeaderMap,
    /// Body bytes (empty when the request was answered before its body was
    /// read).
    pub body: Bytes,
    /// Whether it authenticated.
    pub authenticated: bool,
    /// The digest algorithm it answered with, if digest.
    pub algorithm: Option<&'static str>,
}

impl Seen {
    /// A header's value as text, if present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// How a request fared with authentication, noted while it is handled and
/// logged with it once it is answered.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct AuthNote {
    /// It authenticated.
    pub(crate) authenticated: bool,
    /// The digest algorithm it answered with.
    pub(crate) algorithm: Option<&'static str>,
}

/// The scripted state.
#[derive(Debug, Default)]
pub struct Script {
    /// Replies for the next authenticated API requests.
    pub replies: VecDeque<Reply>,
    /// Replies for the next token requests.
    pub token_replies: VecDeque<Reply>,
    /// `Some(None)`: 401s carry no challenge; `Some(Some(h))`: they carry `h`.
    pub challenge_override: Option<Option<String>>,
    /// Forget every nonce once the next scripted reply is given.
    pub rotate_after_reply: bool,
    /// Requests seen, oldest first.
    pub seen: VecDeque<Seen>,
}

impl Script {
    /// Queues `reply`, dropping the oldest when the queue is full.
    pub fn push(queue: &mut VecDeque<Reply>, reply: Reply) {
        if queue.len() >= MAX_SCRIPTED {
            queue.pop_front();
        }
        queue.push_back(reply);
    }

    /// Logs a request, dropping the oldest when the log is full.
    pub fn saw(&mut self, seen: Seen) {
        if self.seen.len() >= MAX_SEEN {
            self.seen.pop_front();
        }
        self.seen.push_back(seen);
    }
}
