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
        /// The role catalogue upstream's role lists are compared with.
        #[arg(long, default_value_os_t = xtask::workspace_root().join(xtask::catalogue::CATALOGUE_DIR))]
        catalogue: PathBuf,
    },
    /// Run every benchmark side by side (release build) and write
    /// BENCHMARKS.md.
    Bench {
        /// Fewer rounds and calls, and no rebuild timing (for a quick look).
        #[arg(long)]
        quick: bool,
    },
    /// Generate the client modules from `openapi/*.json`.
    Codegen {
        /// Fail with a diff if any checked-in generated file is stale.
        #[arg(long)]
        check: bool,
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
            catalogue,
        } => xtask::import::run(&xtask::import::ImportOptions {
            from,
            version,
            out_dir,
            check,
            catalogue_dir: catalogue,
        })
        .map(|done| {
            for line in done.roles.lines() {
                eprintln!("{line}");
            }
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
        Command::Codegen { check } => codegen(check),
        Command::Bench { quick } => bench(quick),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn codegen(check: bool) -> Result<(), String> {
    let started = Instant::now();
    let report = xtask::codegen::run(&xtask::workspace_root(), check).map_err(|e| e.to_string())?;
    let elapsed = started.elapsed();
    let g = &report.generated;
    for shape in &g.shapes {
        let versions: Vec<String> = shape
            .members
            .iter()
            .map(|&i| format!("{} {}", g.fragments[i].system, g.fragments[i].version))
            .collect();
        eprintln!("{}: {}", shape.module, versions.join(", "));
    }
    eprintln!(
        "{} fragment(s), {} shape(s), {} files, {} generated lines",
        g.fragments.len(),
        g.shapes.len(),
        g.files.len(),
        g.total_lines()
    );
    // Growth with versions: one system's versions together vs its newest alone.
    let lines = |f| {
        xtask::codegen::generate(f)
            .map(|g| g.total_lines())
            .map_err(|e| e.to_string())
    };
    let mut systems: Vec<&str> = g.fragments.iter().map(|f| f.system.as_str()).collect();
    systems.dedup();
    for system in systems {
        let of: Vec<_> = g
            .fragments
            .iter()
            .filter(|f| f.system == system)
            .cloned()
            .collect();
        let Some(newest) = of.last().cloned().filter(|_| of.len() > 1) else {
            continue;
        };
        let versions = of.len();
        let (together, alone) = (lines(of)?, lines(vec![newest])?);
        eprintln!(
            "{system}: {versions} versions generate {together} lines; the newest alone {alone} ({:.2}x)",
            together as f64 / alone as f64
        );
    }
    for path in &report.changed {
        eprintln!("updated {}", path.display());
    }
    let status = if check { "up to date" } else { "done" };
    eprintln!("codegen {status} in {elapsed:.2?}");
    Ok(())
}

fn bench(quick: bool) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let root = xtask::workspace_root();
    // The `apply` comparison runs the command-line tool as users do.
    let built = std::process::Command::new(&cargo)
        .current_dir(&root)
        .args(["build", "--release", "--quiet", "-p", "atlas-apikeys-cli"])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !built.success() {
        return Err(format!("building the command-line tool failed ({built})"));
    }
    let mut command = std::process::Command::new(cargo);
    command
        .current_dir(&root)
        .args([
            "run",
            "--release",
            "--quiet",
            "-p",
            "atlas-apikeys-bench",
            "--",
        ])
        .args(["--write", "BENCHMARKS.md"]);
    if quick {
        command.arg("--quick");
    }
    let status = command
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| format!("the benchmarks failed ({status})"))
}
