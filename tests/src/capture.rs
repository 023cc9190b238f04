//! A real HTTP server on loopback that records every request it receives and
//! answers with whatever the test scripted.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::response::Response;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Captured {
    /// `PATCH`, `POST`, …
    pub method: String,
    /// The path, percent-encoded as sent.
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// All headers.
    pub headers: HeaderMap,
    /// The body bytes.
    pub body: Bytes,
}

impl Captured {
    /// A header's value as text, if present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
}

/// Scripted answers: the emulator's own type, so fixtures exist once.
pub use atlas_apikeys_emulator::Reply;

#[derive(Default)]
struct Shared {
    seen: Vec<Captured>,
    script: VecDeque<Reply>,
}

/// The running server; stops when dropped.
pub struct CaptureServer {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    shared: Arc<Mutex<Shared>>,
    task: tokio::task::JoinHandle<()>,
}

impl CaptureServer {
    /// Starts a server on a free loopback port.
    pub async fn start() -> Self {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url, shared, task }
    }

    /// Queues the reply for the next request (default: 500 with an empty body).
    pub fn reply(&self, reply: Reply) {
        self.lock().script.push_back(reply);
    }

    /// Removes and returns every request seen so far.
    pub fn take(&self) -> Vec<Captured> {
        std::mem::take(&mut self.lock().seen)
    }

    /// Removes and returns the only request seen; panics if there was not
    /// exactly one.
    pub fn take_one(&self) -> Captured {
        let mut seen = self.take();
        assert_eq!(seen.len(), 1, "expected exactly one request, got {seen:?}");
        seen.remove(0)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for CaptureServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn handle(State(shared): State<Arc<Mutex<Shared>>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 16 << 20)
        .await
        .unwrap_or_default();
    let reply = {
        let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
        s.seen.push(Captured {
            method: parts.method.to_string(),
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().map(str::to_owned),
            headers: parts.headers,
            body,
        });
        s.script.pop_front().unwrap_or_else(|| Reply::empty(500))
    };
    reply.into_response()
}
