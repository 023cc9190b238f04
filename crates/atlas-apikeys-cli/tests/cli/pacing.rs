//! `apply` paced by bucket: against buckets smaller than the work, it sends
//! nothing into an empty bucket; with `--no-pacing` it meets the server's
//! 429s, and the transport's retries still bring every item about.

use super::*;

use atlas_apikeys_emulator::BucketScope;

/// Each project's bucket holds `CAPACITY` and refills `REFILL` a second;
/// `KEYS` keys go into each of `PROJECTS` projects, key by key, so every
/// project's bucket is asked for more than it holds.
const CAPACITY: u32 = 2;
const REFILL: u32 = 10;
const KEYS: usize = 8;
const PROJECTS: usize = 3;

fn limited() -> (Config, String) {
    let mut config = Config::default();
    for set in &mut config.rate_limits {
        if set.scope == BucketScope::Group {
            set.capacity = CAPACITY;
            set.refill_rate = REFILL;
            set.refill_seconds = 1;
        }
    }
    let projects: Vec<String> = (0..PROJECTS).map(|p| format!("7{p:023x}")).collect();
    for (p, id) in projects.iter().enumerate() {
        config.seed.projects.push(atlas_apikeys_emulator::Project {
            id: id.clone(),
            org_id: ORG.into(),
            name: format!("p{p}"),
        });
    }
    let mut file = String::new();
    for k in 0..KEYS {
        let id = format!("9{k:023x}");
        let grants = atlas_apikeys_emulator::Grants::org(ORG, "ORG_MEMBER");
        config.seed.api_keys.push(crowd_key(k, grants));
        file.push_str(&format!("[[keys]]\nid = \"{id}\"\norg = \"{ORG}\"\n"));
        for project in &projects {
            file.push_str(&format!(
                "[[keys.projects]]\nid = \"{project}\"\nroles = [\"GROUP_READ_ONLY\"]\n"
            ));
        }
    }
    (config, file)
}

#[test]
fn apply_sends_nothing_into_an_empty_bucket_and_without_pacing_meets_429s_yet_completes() {
    let (config, file) = limited();
    let (_dir, path) = hostile::plan_file("paced.toml", &file);
    for (options, paced) in [
        ("--concurrency 16", true),
        ("--concurrency 16 --no-pacing", false),
    ] {
        let e = env_with(config.clone());
        let out = sh(atlas(&e), &format!("-o json apply {path} {options}"));
        assert_eq!(out.code, 0, "{options}: {}", out.stdout);
        let summary = &json(&out)["summary"];
        assert_eq!(summary["assigned"], KEYS * PROJECTS, "{options}: {summary}");
        assert_eq!(summary["failed"], 0, "{options}: {summary}");
        let refused = e.emulator.counters().rate_limited;
        if paced {
            assert_eq!(refused, 0, "paced: no request into an empty bucket");
        } else {
            assert!(
                refused > 0,
                "unpaced: the buckets were asked for more than they held"
            );
        }
    }
}
