//! The connection layer: accepts on the listener, draws faults per request,
//! and can drop a connection without answering (something a router cannot
//! do, as it must return a response).

use std::sync::Arc;

use hyper_util::rt::{TokioIo, TokioTimer};

use crate::api::App;
use crate::faults::Fault;

/// The error that makes hyper close a connection without a response.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped by fault injection")]
struct Dropped;

/// Serves `listener` until the task is aborted; over TLS with `tls`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    tls: Option<tokio_rustls::TlsAcceptor>,
) {
    let mut backoff = std::time::Duration::ZERO;
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok((stream, peer)) => {
                backoff = std::time::Duration::ZERO;
                (stream, peer)
            }
            Err(e) => {
                // Out of file descriptors, say: waiting beats spinning on an
                // error that repeats until a connection closes.
                backoff = (backoff * 2).clamp(
                    std::time::Duration::from_millis(5),
                    std::time::Duration::from_secs(1),
                );
                tracing::warn!(error = %e, wait_ms = backoff.as_millis() as u64, "accept failed");
                tokio::time::sleep(backoff).await;
                continue;
            }
        };
        let header_timeout = std::time::Duration::from_millis(app.config.header_timeout_ms);
        let app = app.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                None => connection(stream, peer, app, header_timeout).await,
                // The handshake gets the time the headers get: a client
                // that stalls it holds nothing for long.
                Some(tls) => match tokio::time::timeout(header_timeout, tls.accept(stream)).await {
                    Ok(Ok(stream)) => connection(stream, peer, app, header_timeout).await,
                    Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
                    Err(_) => tracing::debug!("TLS handshake timed out"),
                },
            }
        });
    }
}

/// Serves one connection, plain or TLS.
async fn connection<S>(
    stream: S,
    peer: std::net::SocketAddr,
    app: Arc<App>,
    header_timeout: std::time::Duration,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service =
        hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
            let app = app.clone();
            // Where the call came from, for access lists.
            request.extensions_mut().insert(crate::api::Peer(peer.ip()));
            async move {
                let path = request.uri().path().to_owned();
                let random = !path.starts_with("/api/oauth/");
                let method = request.method().as_str().to_owned();
                let faults = app.lock().faults.draw(&method, &path, random);
                if faults.contains(&Fault::Drop) {
                    app.lock().counters.faults += 1;
                    return Err(Dropped);
                }
                let delay: u64 = faults
                    .iter()
                    .map(|f| match f {
                        Fault::Latency(ms) => *ms,
                        _ => 0,
                    })
                    .sum();
                let delay = std::time::Duration::from_millis(delay);
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                let commit_then_drop = faults.contains(&Fault::CommitThenDrop);
                let response =
                    crate::api::handle(app, request.map(axum::body::Body::new), faults).await;
                if commit_then_drop {
                    // The change is applied; the answer never leaves.
                    return Err(Dropped);
                }
                Ok::<_, Dropped>(response)
            }
        });
    let _ = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}
