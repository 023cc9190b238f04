//! Comparison 7: `atlas-apikeys apply` as a user runs it, the release binary
//! against the emulator: one key into 1,000 and 10,000 projects, the first
//! run beside the re-run (everything already so), items per second and the
//! process's peak resident memory; and a first run through a rate limit and
//! injected faults.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use atlas_apikeys_emulator::{Config, Emulator, Fault, RateLimitConfig, defaults};

use crate::load::cli_binary;
use crate::report::*;

/// What one run of the binary did.
pub(crate) struct Run {
    pub(crate) items: u64,
    /// Items whose assignment was sent and made.
    pub(crate) assigned: u64,
    pub(crate) failed: u64,
    pub(crate) unchanged: u64,
    /// Seconds from start to exit.
    pub(crate) wall: f64,
    /// HTTP exchanges the emulator had during the run.
    pub(crate) exchanges: u64,
    /// Of them, answered 429.
    pub(crate) limited: u64,
    pub(crate) peak_rss_kib: u64,
}

impl Run {
    fn items_per_second(&self) -> f64 {
        self.items as f64 / self.wall
    }
}

/// A plan for the target key in `n` projects, and the seed that has them.
fn plan(n: usize) -> (String, Config) {
    let mut plan = format!(
        "[[keys]]\nid = \"{}\"\norg = \"{}\"\ndesc = \"applied\"\norg_roles = [\"ORG_MEMBER\"]\n",
        defaults::TARGET.id,
        defaults::ORG
    );
    let mut config = crate::sides::unlimited();
    for i in 0..n {
        let id = format!("7{i:023x}");
        plan.push_str(&format!(
            "[[keys.projects]]\nid = \"{id}\"\nroles = [\"GROUP_READ_ONLY\"]\n"
        ));
        config.seed.projects.push(atlas_apikeys_emulator::Project {
            id,
            org_id: defaults::ORG.into(),
            name: format!("p{i}"),
        });
    }
    (plan, config)
}

/// The process's peak resident set (`VmHWM`), in KiB, while it lives.
pub(crate) fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Runs the binary's `apply` on `file` against `emu`, with `options`.
pub(crate) async fn run(
    cli: &std::path::Path,
    file: &std::path::Path,
    emu: &Emulator,
    options: &[&str],
) -> Result<Run, String> {
    let before = emu.counters();
    let started = Instant::now();
    let child = tokio::process::Command::new(cli)
        .args(["-o", "json", "apply"])
        .arg(file)
        .args(options)
        .env_clear()
        .env("MONGODB_ATLAS_BASE_URL", emu.url())
        .env("MONGODB_ATLAS_PUBLIC_API_KEY", defaults::OWNER.public_key)
        .env("MONGODB_ATLAS_PRIVATE_API_KEY", defaults::OWNER.private_key)
        .env(
            "MONGODB_ATLAS_API_VERSION",
            atlas_apikeys::latest_atlas_version().version,
        )
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    // VmHWM only grows: the last reading before the process ends is its peak.
    let peak = Arc::new(AtomicU64::new(0));
    let watcher = child.id().map(|pid| {
        let peak = peak.clone();
        tokio::spawn(async move {
            while let Some(kib) = peak_rss_kib(pid) {
                peak.fetch_max(kib, Ordering::Relaxed);
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            }
        })
    });
    let output = child.wait_with_output().await.map_err(|e| e.to_string())?;
    let wall = started.elapsed().as_secs_f64();
    if let Some(w) = watcher {
        w.abort();
    }
    let after = emu.counters();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).map_err(|e| {
        format!(
            "apply report: {e}: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })?;
    let summary = |k: &str| report["summary"][k].as_u64().unwrap_or(0);
    Ok(Run {
        items: summary("items"),
        assigned: summary("assigned"),
        failed: summary("failed"),
        unchanged: summary("unchanged"),
        wall,
        exchanges: after.exchanges - before.exchanges,
        limited: after.rate_limited - before.rate_limited,
        peak_rss_kib: peak.load(Ordering::Relaxed),
    })
}

const SIXTEEN: &[&str] = &["--concurrency", "16"];

pub(crate) async fn apply_at_scale() -> Result<Section, String> {
    let mut section = Section::new(String::from(
        "## 7. `atlas-apikeys apply`: one key into many projects\n\n",
    ));
    let Some(cli) = cli_binary() else {
        section.body.push_str(
            "Skipped: build the tool first (`cargo build --release -p atlas-apikeys-cli`; `cargo xtask bench` does).\n\n",
        );
        return Ok(section);
    };
    let dir =
        std::env::temp_dir().join(format!("atlas-apikeys-apply-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    section.body.push_str(
        "A re-run reads the key from the first answers that carry it and sends nothing for the projects already so (`unchanged`). Ratio: the run's items/s over the first run's of the same size.\n\n\
         | projects | run | items | failed | unchanged | wall s | items/s | ratio | HTTP exchanges | 429s answered | peak RSS MiB |\n|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for projects in [1_000, 10_000] {
        let (text, config) = plan(projects);
        let file = dir.join(format!("plan-{projects}.toml"));
        std::fs::write(&file, &text).map_err(|e| e.to_string())?;
        let emu = crate::sides::emulator(config).await?;
        let first = run(&cli, &file, &emu, SIXTEEN).await?;
        let again = run(&cli, &file, &emu, SIXTEEN).await?;
        let ratio = again.items_per_second() / first.items_per_second();
        for (label, r) in [
            ("first run", &first),
            ("re-run (everything already so)", &again),
        ] {
            let _ = writeln!(
                section.body,
                "| {projects} | {label} | {} | {} | {} | {:.2} | {:.0} | {:.2} | {} | {} | {:.1} |",
                r.items,
                r.failed,
                r.unchanged,
                r.wall,
                r.items_per_second(),
                r.items_per_second() / first.items_per_second(),
                r.exchanges,
                r.limited,
                r.peak_rss_kib as f64 / 1024.0,
            );
        }
        section.goal(
            format!("apply re-run of {projects} projects ≥ 0.5x the first run's items/s"),
            format!("{ratio:.2}x"),
            ratio >= 0.5,
        );
    }
    // Through a limit of 100 requests/s, transient 5xx and a 429.
    let (text, mut config) = plan(1_000);
    config.rate_limit = Some(RateLimitConfig {
        requests: 100,
        window_ms: 1000,
    });
    let file = dir.join("plan-limited.toml");
    std::fs::write(&file, &text).map_err(|e| e.to_string())?;
    let emu = crate::sides::emulator(config).await?;
    for status in [502, 503, 504, 503, 502] {
        emu.inject(None, Fault::Status(status));
    }
    emu.inject(
        None,
        Fault::Refuse {
            status: 429,
            retry_after: 1,
        },
    );
    let r = run(&cli, &file, &emu, SIXTEEN).await?;
    let _ = writeln!(
        section.body,
        "| 1000 | first run, 100 requests/s limit, 5 injected 5xx and a 429 | {} | {} | {} | {:.2} | {:.0} | | {} | {} | {:.1} |\n",
        r.items,
        r.failed,
        r.unchanged,
        r.wall,
        r.items_per_second(),
        r.exchanges,
        r.limited,
        r.peak_rss_kib as f64 / 1024.0,
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(section)
}
