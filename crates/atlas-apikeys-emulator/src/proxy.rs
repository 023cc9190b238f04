//! A forward proxy for tests of clients behind one, as corporate networks
//! have: plain HTTP requests in absolute form, and `CONNECT` tunnels for
//! HTTPS, to loopback targets only. It counts what went through it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The longest request head read before the proxy gives up on a client.
const MAX_HEAD: usize = 16 * 1024;

/// How long a client may take to send its request head.
const HEAD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// What went through the proxy.
#[derive(Debug, Default)]
struct Seen {
    requests: AtomicU64,
    tunnels: AtomicU64,
}

/// A running proxy; stops when dropped.
pub struct ForwardProxy {
    addr: SocketAddr,
    seen: Arc<Seen>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ForwardProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ForwardProxy {
    /// Starts on a free loopback port.
    pub async fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let seen = Arc::new(Seen::default());
        let counted = seen.clone();
        let task = tokio::spawn(async move {
            // Held here: stopping the proxy ends its connections too.
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((client, _)) = listener.accept().await {
                let seen = counted.clone();
                connections.spawn(async move {
                    let _ = relay(client, addr, &seen).await;
                });
                while connections.try_join_next().is_some() {}
            }
        });
        Ok(Self { addr, seen, task })
    }

    /// `http://127.0.0.1:<port>`: what `HTTPS_PROXY` or a client's proxy
    /// option names.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Connections that asked for a plain HTTP request.
    pub fn requests(&self) -> u64 {
        self.seen.requests.load(Ordering::Relaxed)
    }

    /// `CONNECT` tunnels opened.
    pub fn tunnels(&self) -> u64 {
        self.seen.tunnels.load(Ordering::Relaxed)
    }
}

/// Reads the first request head, then relays the connection to its target:
/// a tunnel for `CONNECT`, else the bytes as they came (the target reads an
/// absolute-form request line as any other).
async fn relay(mut client: TcpStream, own: SocketAddr, seen: &Seen) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        // A client that never finishes its head is let go.
        let read = tokio::time::timeout(HEAD_TIMEOUT, client.read(&mut chunk)).await;
        let Ok(read) = read else {
            return Ok(());
        };
        let n = read?;
        if n == 0 || head.len() + n > MAX_HEAD {
            return Ok(());
        }
        head.extend_from_slice(&chunk[..n]);
    }
    let line = String::from_utf8_lossy(&head[..head.iter().position(|b| *b == b'\r').unwrap_or(0)])
        .into_owned();
    let mut words = line.split(' ');
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let authority = if method == "CONNECT" {
        target.to_owned()
    } else {
        let rest = target.strip_prefix("http://").unwrap_or("");
        rest.split('/').next().unwrap_or("").to_owned()
    };
    // Loopback only: a test proxy is no open relay.
    let upstream: SocketAddr = match authority.parse::<SocketAddr>() {
        // Never itself: that would loop until descriptors run out.
        Ok(a) if a.ip().is_loopback() && a != own => a,
        _ => {
            client
                .write_all(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n")
                .await?;
            return Ok(());
        }
    };
    let mut server = TcpStream::connect(upstream).await?;
    if method == "CONNECT" {
        seen.tunnels.fetch_add(1, Ordering::Relaxed);
        client
            .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            .await?;
    } else {
        seen.requests.fetch_add(1, Ordering::Relaxed);
        server.write_all(&head).await?;
    }
    tokio::io::copy_bidirectional(&mut client, &mut server).await?;
    Ok(())
}
