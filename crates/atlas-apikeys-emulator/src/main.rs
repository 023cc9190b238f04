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
