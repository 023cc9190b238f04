//! `cargo xtask`: see the crate docs of the `xtask` library.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "atlas-apikeys repository automation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import an upstream Atlas Admin API v2 spec (split or merged, YAML or
    /// JSON) into `openapi/atlas-<date>.json`.
    Import {
        /// The upstream spec file.
        #[arg(long)]
        from: PathBuf,
        /// Target version date, YYYY-MM-DD (default: the date in the file name).
        #[arg(long)]
        version: Option<String>,
        /// Fail with a diff if the checked-in fragment differs; write nothing.
        #[arg(long)]
        check: bool,
        /// Where fragments live.
        #[arg(long, default_value_os_t = xtask::workspace_root().join("openapi"))]
        out_dir: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let started = Instant::now();
    let result = match cli.command {
        Command::Import {
            from,
            version,
            check,
            out_dir,
        } => xtask::import::run(&xtask::import::ImportOptions {
            from,
            version,
            out_dir,
            check,
        })
        .map(|done| {
            let what = if check {
                "up to date"
            } else if done.changed {
                "written"
            } else {
                "unchanged"
            };
            eprintln!(
                "{}: {what} ({:.2?})",
                done.path.display(),
                started.elapsed()
            );
        })
        .map_err(|e| e.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
