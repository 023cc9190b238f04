//! `atlas-apikeys-emulator`: serve the emulator until interrupted.
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use atlas_apikeys_emulator::{Config, Emulator, System};
use clap::Parser;
use clap::builder::TypedValueParser as _;

/// A local emulator of MongoDB Atlas / Cloud Manager / Ops Manager API key
/// management, with digest and OAuth.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Configuration and seed, JSON or TOML (default: the example seed).
    #[arg(long, env = "ATLAS_APIKEYS_EMULATOR_CONFIG")]
    config: Option<PathBuf>,
    /// Which product to play (overrides the configuration).
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(System::ALL.map(System::as_str)).try_map(|s| s.parse::<System>()))]
    system: Option<System>,
    /// Address to listen on (default 127.0.0.1:8080; loopback only unless you say otherwise).
    #[arg(long)]
    bind: Option<SocketAddr>,
    /// Serve HTTPS with this certificate chain (PEM, the server's own first).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
}

/// A PEM file, within 1 MiB.
fn pem(path: &std::path::Path) -> Result<String, String> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut text = String::new();
    file.take(1 << 20 | 1)
        .read_to_string(&mut text)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if text.len() > 1 << 20 {
        return Err(format!("{}: larger than 1 MiB", path.display()));
    }
    Ok(text)
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut config = match cli.config.as_deref().map(Config::from_file) {
        Some(Ok(c)) => c,
        Some(Err(e)) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
        None => Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            ..Config::default()
        },
    };
    config.system = cli.system.unwrap_or(config.system);
    config.bind = cli.bind.unwrap_or(config.bind);
    if let (Some(cert), Some(key)) = (&cli.tls_cert, &cli.tls_key) {
        match (pem(cert), pem(key)) {
            (Ok(cert_pem), Ok(key_pem)) => {
                config.tls = Some(atlas_apikeys_emulator::tls::TlsConfig { cert_pem, key_pem });
            }
            (Err(e), _) | (_, Err(e)) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let system = config.system;
    let emulator = match Emulator::start(config).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "{} emulator listening on {}",
        system.as_str(),
        emulator.url()
    );
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}
