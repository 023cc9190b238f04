//! Comparisons 6 and 7: the emulator under load, and `apply` over 300
//! projects with the release binary.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use atlas_apikeys::ApiKeys;
use atlas_apikeys::client::RetryPolicy;
use atlas_apikeys_emulator::{Config, Emulator, defaults};

use crate::measure::compare;
use crate::report::*;
use crate::sides::*;

pub(crate) async fn emulator_load(s: &Settings) -> Result<Section, String> {
    let mut body = String::from("## 6. The emulator under load (64 concurrent callers)\n\n");
    let out = &mut body;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let base = minimal_server(seen).await;
    let emu = Emulator::start(Config::default())
        .await
        .map_err(|e| e.to_string())?;
    let make = |b: atlas_apikeys::ApiKeysBuilder| {
        b.retry(RetryPolicy::none())
            .build()
            .map_err(|e| e.to_string())
    };
    let baseline = sdk_call(make(ApiKeys::builder().anonymous().base_url(&base))?);
    let bearer = sdk_call(make(
        ApiKeys::builder().base_url(emu.url()).service_account(
            defaults::SERVICE_ACCOUNT.client_id,
            defaults::SERVICE_ACCOUNT.client_secret,
        ),
    )?);
    let digest = sdk_call(make(
        ApiKeys::builder()
            .base_url(emu.url())
            .api_key(defaults::OWNER.public_key, defaults::OWNER.private_key),
    )?);
    assert!(baseline().await && bearer().await && digest().await);
    let r = compare(&[&baseline, &bearer, &digest], s.rounds, s.calls, 64).await;
    out.push_str(HEADER);
    row(
        out,
        "minimal loopback server (fixed JSON, no auth)",
        &r[0],
        &r[0],
    );
    row(out, "emulator, service-account token", &r[1], &r[0]);
    row(out, "emulator, digest (nonce reused)", &r[2], &r[0]);
    out.push('\n');
    Ok(Section::new(body))
}

/// The command-line tool built beside this benchmark (`cargo xtask bench`
/// builds both).
pub(crate) fn cli_binary() -> Option<std::path::PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let cli = exe.with_file_name(format!("atlas-apikeys{}", std::env::consts::EXE_SUFFIX));
    cli.is_file().then_some(cli)
}

/// `apply` over 300 projects of one organization, as a user runs it: the
/// release binary against the emulator, without and with a rate limit and
/// injected faults.
pub(crate) async fn apply_at_scale() -> Result<Section, String> {
    const PROJECTS: usize = 300;
    let mut body = format!("## 7. `atlas-apikeys apply`: one key into {PROJECTS} projects\n\n");
    let out = &mut body;
    let Some(cli) = cli_binary() else {
        let _ = writeln!(
            out,
            "Skipped: build the tool first (`cargo build --release -p atlas-apikeys-cli`; `cargo xtask bench` does).\n"
        );
        return Ok(Section::new(body));
    };
    let dir =
        std::env::temp_dir().join(format!("atlas-apikeys-apply-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut plan = format!(
        "[[keys]]\nid = \"{}\"\norg = \"{}\"\ndesc = \"applied\"\norg_roles = [\"ORG_MEMBER\"]\n",
        defaults::TARGET.id,
        defaults::ORG
    );
    let mut projects = Vec::new();
    for i in 0..PROJECTS {
        let id = format!("7{i:023x}");
        plan.push_str(&format!(
            "[[keys.projects]]\nid = \"{id}\"\nroles = [\"GROUP_READ_ONLY\"]\n"
        ));
        projects.push(atlas_apikeys_emulator::Project {
            id,
            org_id: defaults::ORG.into(),
            name: format!("p{i}"),
        });
    }
    let file = dir.join("plan.toml");
    std::fs::write(&file, &plan).map_err(|e| e.to_string())?;
    let _ = writeln!(
        out,
        "| run | items | failed | wall s | items/s | HTTP exchanges | exchanges/s | 429s answered |\n|---|---|---|---|---|---|---|---|"
    );
    for (label, limited) in [
        ("first run, no limit", false),
        (
            "first run, 100 requests/s limit, 5 injected 500s and a 429",
            true,
        ),
        ("re-run (everything already so)", false),
    ] {
        let mut config = Config::default();
        config.seed.projects.extend(projects.iter().cloned());
        if limited {
            config.rate_limit = Some(atlas_apikeys_emulator::RateLimitConfig {
                requests: 100,
                window_ms: 1000,
            });
        }
        let emu = Emulator::start(config).await.map_err(|e| e.to_string())?;
        if limited {
            for _ in 0..5 {
                emu.inject(None, atlas_apikeys_emulator::Fault::Status(500));
            }
            emu.inject(
                None,
                atlas_apikeys_emulator::Fault::Refuse {
                    status: 429,
                    retry_after: 1,
                },
            );
        }
        let runs = if label.starts_with("re-run") { 2 } else { 1 };
        let mut last = None;
        for _ in 0..runs {
            let before = emu.counters();
            let started = Instant::now();
            let output = tokio::process::Command::new(&cli)
                .args(["-o", "json", "apply"])
                .arg(&file)
                .args(["--concurrency", "16"])
                .env_clear()
                .env("MONGODB_ATLAS_BASE_URL", emu.url())
                .env("MONGODB_ATLAS_PUBLIC_API_KEY", defaults::OWNER.public_key)
                .env("MONGODB_ATLAS_PRIVATE_API_KEY", defaults::OWNER.private_key)
                .env(
                    "MONGODB_ATLAS_API_VERSION",
                    atlas_apikeys::latest_atlas_version().version,
                )
                .output()
                .await
                .map_err(|e| e.to_string())?;
            let wall = started.elapsed().as_secs_f64();
            let after = emu.counters();
            let report: serde_json::Value =
                serde_json::from_slice(&output.stdout).map_err(|e| {
                    format!(
                        "apply report: {e}: {}",
                        String::from_utf8_lossy(&output.stderr)
                    )
                })?;
            last = Some((
                report,
                wall,
                after.exchanges - before.exchanges,
                after.rate_limited - before.rate_limited,
            ));
        }
        let Some((report, wall, exchanges, limited_count)) = last else {
            continue;
        };
        let items = report["summary"]["items"].as_u64().unwrap_or(0);
        let _ = writeln!(
            out,
            "| {label} | {items} | {} | {wall:.2} | {:.0} | {exchanges} | {:.0} | {limited_count} |",
            report["summary"]["failed"],
            items as f64 / wall,
            exchanges as f64 / wall,
        );
    }
    out.push('\n');
    let _ = std::fs::remove_dir_all(&dir);
    Ok(Section::new(body))
}
