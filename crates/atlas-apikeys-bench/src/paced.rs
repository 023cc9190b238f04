//! Comparison 8: `atlas-apikeys apply` of 10,000 assignments (100 keys ×
//! 100 projects) against the emulator's token buckets, the release binary
//! as a user runs it: paced by bucket, one request at a time, and unpaced
//! at the most requests in flight; beside them, the least time the buckets
//! allow.

use std::fmt::Write as _;

use atlas_apikeys_emulator::config::ApiKey;
use atlas_apikeys_emulator::{BucketScope, Config, Grants, Project, defaults};

use crate::apply::{Run, run};
use crate::load::cli_binary;
use crate::report::*;

const KEYS: usize = 100;
const PROJECTS: usize = 100;
/// Each project's bucket of the project-key endpoints: a full bucket, and
/// its refill per second. Small, so that the buckets and not the loopback
/// bound the run.
const CAPACITY: u32 = 10;
const REFILL_PER_SECOND: u32 = 5;
/// Added to every answer: a stand-in for the network, so that one request
/// at a time costs what it costs against a real server (in proportion).
const LATENCY_MS: u64 = 5;

/// The emulator's configuration (the keys, the projects, the buckets) and
/// the file that assigns every key to every project.
fn setup() -> (Config, String) {
    let mut config = Config::default();
    config.faults.latency_ms = LATENCY_MS;
    for set in &mut config.rate_limits {
        if set.scope == BucketScope::Group {
            set.capacity = CAPACITY;
            set.refill_rate = REFILL_PER_SECOND;
            set.refill_seconds = 1;
        }
    }
    let projects: Vec<String> = (0..PROJECTS).map(|p| format!("7{p:023x}")).collect();
    for (p, id) in projects.iter().enumerate() {
        config.seed.projects.push(Project {
            id: id.clone(),
            org_id: defaults::ORG.into(),
            name: format!("p{p}"),
        });
    }
    let mut file = String::new();
    for k in 0..KEYS {
        let id = format!("9{k:023x}");
        config.seed.api_keys.push(ApiKey {
            id: id.clone(),
            public_key: format!("pk{k:06}"),
            private_key: format!("00000000-0000-0000-0000-{k:012}"),
            description: format!("paced {k}"),
            grants: Grants::org(defaults::ORG, "ORG_MEMBER"),
        });
        let _ = writeln!(file, "[[keys]]\nid = \"{id}\"\norg = \"{}\"", defaults::ORG);
        for project in &projects {
            let _ = writeln!(
                file,
                "[[keys.projects]]\nid = \"{project}\"\nroles = [\"GROUP_READ_ONLY\"]"
            );
        }
    }
    (config, file)
}

/// The least wall time the buckets allow: every project's bucket passes
/// one assignment per key, starting full and refilling at its rate (the
/// organization's bucket, 500 for the 100 key reads, never empties).
fn minimum_seconds() -> f64 {
    KEYS.saturating_sub(CAPACITY as usize) as f64 / f64::from(REFILL_PER_SECOND)
}

pub(crate) async fn paced_apply() -> Result<Section, String> {
    let mut section = Section::new(format!(
        "## 8. `atlas-apikeys apply` against rate-limit buckets: {} assignments ({KEYS} keys × {PROJECTS} projects)\n\n",
        KEYS * PROJECTS
    ));
    let Some(cli) = cli_binary() else {
        section.body.push_str(
            "Skipped: build the tool first (`cargo build --release -p atlas-apikeys-cli`; `cargo xtask bench` does).\n\n",
        );
        return Ok(section);
    };
    let dir =
        std::env::temp_dir().join(format!("atlas-apikeys-paced-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let (config, text) = setup();
    let file = dir.join("paced.toml");
    std::fs::write(&file, &text).map_err(|e| e.to_string())?;
    let minimum = minimum_seconds();
    let _ = writeln!(
        section.body,
        "The emulator's Atlas buckets, each project's set to a capacity of {CAPACITY} refilled at {REFILL_PER_SECOND} a second, and {LATENCY_MS} ms added to every answer; every key starts in no project. \
         Each side is one run of the release binary (`apply --output json`, newest Atlas version, digest) against a fresh emulator. \
         The buckets' minimum: each project's bucket must pass {KEYS} assignments, {CAPACITY} at once and the rest at the refill rate, \
         ({KEYS} − {CAPACITY}) ÷ {REFILL_PER_SECOND}/s = **{minimum:.1} s**. \
         \"One at a time\" is what the Terraform provider does; \"unpaced\" sends as soon as a request is ready and retries each 429 after its Retry-After.\n\n\
         | side | options | wall s | × minimum | items | assigned | failed | HTTP exchanges | answered 429 | 429 share | peak RSS MiB |\n|---|---|---|---|---|---|---|---|---|---|---|"
    );
    let sides: [(&str, &[&str]); 3] = [
        ("paced by bucket (default 8 in flight)", &[]),
        ("one request at a time", &["--concurrency", "1"]),
        (
            "unpaced, 64 in flight",
            &["--concurrency", "64", "--no-pacing"],
        ),
    ];
    let mut runs: Vec<Run> = Vec::new();
    for (label, options) in sides {
        let emu = crate::sides::emulator(config.clone()).await?;
        let r = run(&cli, &file, &emu, options).await?;
        let _ = writeln!(
            section.body,
            "| {label} | `{}` | {:.2} | {:.3} | {} | {} | {} | {} | {} | {:.2}% | {:.1} |",
            options.join(" "),
            r.wall,
            r.wall / minimum,
            r.items,
            r.assigned,
            r.failed,
            r.exchanges,
            r.limited,
            share(&r),
            r.peak_rss_kib as f64 / 1024.0,
        );
        runs.push(r);
    }
    section.body.push('\n');
    let _ = std::fs::remove_dir_all(&dir);
    let paced = &runs[0];
    section.goal(
        String::from("paced apply's wall time within 5% of the buckets' minimum"),
        format!(
            "{:.2} s ({:.3}x of {minimum:.1} s)",
            paced.wall,
            paced.wall / minimum
        ),
        paced.wall <= minimum * 1.05,
    );
    section.goal(
        String::from("paced apply: at most 1% of requests answered 429"),
        format!(
            "{} of {} ({:.2}%)",
            paced.limited,
            paced.exchanges,
            share(paced)
        ),
        share(paced) <= 1.0,
    );
    let all = (KEYS * PROJECTS) as u64;
    section.goal(
        String::from("paced apply: no failed item, every assignment made"),
        format!(
            "{} failed, {} of {all} assigned",
            paced.failed, paced.assigned
        ),
        paced.failed == 0 && paced.assigned == all,
    );
    Ok(section)
}

/// The share of the run's exchanges answered 429, in percent.
fn share(r: &Run) -> f64 {
    if r.exchanges == 0 {
        return 0.0;
    }
    r.limited as f64 * 100.0 / r.exchanges as f64
}
