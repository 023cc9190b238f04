//! Comparisons 4 and 5: codegen's speed and the cost of validation.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use atlas_apikeys::{Description, OrgId};

use crate::measure::ms;
use crate::report::Section;

pub(crate) fn median_time(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut v: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    v.sort();
    v[v.len() / 2]
}

pub(crate) fn codegen(rebuild: bool) -> Result<Section, String> {
    let mut body = String::from("## 4. Code generation\n\n");
    let out = &mut body;
    use xtask::codegen;
    let root = xtask::workspace_root();
    let fragments = codegen::read_fragments(&root).map_err(|e| e.to_string())?;
    let atlas: Vec<_> = fragments
        .iter()
        .filter(|f| f.system == "atlas")
        .cloned()
        .collect();
    let newest = vec![atlas.last().cloned().ok_or("no Atlas fragment")?];
    let all_time = median_time(21, || {
        let f = codegen::read_fragments(&root).expect("fragments");
        black_box(codegen::generate(f).expect("generate"));
    });
    let one_time = median_time(21, || {
        black_box(codegen::generate(newest.clone()).expect("generate"));
    });
    let all = codegen::generate(fragments.clone()).map_err(|e| e.to_string())?;
    let atlas_lines = codegen::generate(atlas.clone())
        .map_err(|e| e.to_string())?
        .total_lines();
    let one_lines = codegen::generate(newest)
        .map_err(|e| e.to_string())?
        .total_lines();
    let _ = writeln!(out, "| what | value |\n|---|---|");
    let _ = writeln!(
        out,
        "| generate everything ({} fragments, read + prepare + progenitor + format), median of 21 | {} ms |",
        fragments.len(),
        ms(all_time)
    );
    let _ = writeln!(
        out,
        "| generate one Atlas version, median of 21 | {} ms |",
        ms(one_time)
    );
    let _ = writeln!(
        out,
        "| generated lines, all systems and versions | {} |",
        all.total_lines()
    );
    let _ = writeln!(
        out,
        "| generated lines, the {} Atlas versions / the newest alone | {atlas_lines} / {one_lines} ({:.2}x) |",
        atlas.len(),
        atlas_lines as f64 / one_lines as f64
    );
    if rebuild {
        let seconds = rebuild_after_fragment_change(&root)?;
        let _ = writeln!(
            out,
            "| rebuild the client crate after a fragment change (codegen + `cargo build`, dev profile, warm) | {seconds:.1} s |"
        );
    }
    out.push('\n');
    Ok(Section::new(body))
}

/// Times `cargo build -p atlas-apikeys-client` in a scratch workspace after
/// a fragment gains a role value and codegen runs.
pub(crate) fn rebuild_after_fragment_change(root: &std::path::Path) -> Result<f64, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let copy = |from: &std::path::Path, to: &std::path::Path| -> Result<(), String> {
        let status = std::process::Command::new("cp")
            .arg("-r")
            .arg(from)
            .arg(to)
            .status()
            .map_err(|e| e.to_string())?;
        status
            .success()
            .then_some(())
            .ok_or_else(|| "cp failed".to_owned())
    };
    std::fs::create_dir_all(dir.path().join("crates")).map_err(|e| e.to_string())?;
    copy(&root.join("openapi"), &dir.path().join("openapi"))?;
    copy(
        &root.join("crates/atlas-apikeys-client"),
        &dir.path().join("crates/atlas-apikeys-client"),
    )?;
    std::fs::copy(root.join("Cargo.lock"), dir.path().join("Cargo.lock"))
        .map_err(|e| e.to_string())?;
    let manifest: String = std::fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|e| e.to_string())?
        .lines()
        .map(|l| {
            if l.starts_with("members = ") {
                r#"members = ["crates/atlas-apikeys-client"]"#.to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.path().join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    let target = root.join("target").join("bench-rebuild");
    let build = || {
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args([
                "build",
                "--offline",
                "--quiet",
                "-p",
                "atlas-apikeys-client",
            ])
            .current_dir(dir.path())
            .env("CARGO_TARGET_DIR", &target)
            .status()
            .map_err(|e| e.to_string())
            .and_then(|s| {
                s.success()
                    .then_some(())
                    .ok_or_else(|| "cargo build failed".to_owned())
            })
    };
    build()?; // warm
    // The common edit: a role added to the catalogue (roles come from there,
    // whatever version's fragment lists).
    let catalogue = dir.path().join("openapi/roles/atlas.json");
    let text = std::fs::read_to_string(&catalogue).map_err(|e| e.to_string())?;
    let mut entry: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    entry["org"]
        .as_array_mut()
        .ok_or("the catalogue has no org list")?
        .push("ORG_BENCH_ROLE".into());
    std::fs::write(&catalogue, entry.to_string()).map_err(|e| e.to_string())?;
    let t = Instant::now();
    xtask::codegen::run(dir.path(), false).map_err(|e| e.to_string())?;
    build()?;
    Ok(t.elapsed().as_secs_f64())
}

pub(crate) fn validation() -> Section {
    let mut body = String::from("## 5. Validation\n\n");
    let out = &mut body;
    const ITERS: u32 = 200_000;
    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        for _ in 0..ITERS {
            f();
        }
        t.elapsed().as_nanos() as f64 / f64::from(ITERS)
    };
    let id = "32b6e34b3d91647abb20e7b8";
    let desc = "rotated by the nightly CI job for the payments service";
    let bare_id = |s: &str| {
        s.len() == 24
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    let (mut a, mut b, mut c, mut d) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for r in 0..21 {
        let mut parse_id = || {
            black_box(OrgId::parse(black_box(id)).is_ok());
        };
        let mut check_id = || {
            black_box(bare_id(black_box(id)));
        };
        let mut parse_desc = || {
            black_box(Description::new(black_box(desc)).is_ok());
        };
        let mut check_desc = || {
            let s = black_box(desc);
            black_box((1..=250).contains(&s.chars().count()).then(|| s.to_owned()));
        };
        if r % 2 == 0 {
            a.push(time(&mut parse_id));
            b.push(time(&mut check_id));
            c.push(time(&mut parse_desc));
            d.push(time(&mut check_desc));
        } else {
            b.push(time(&mut check_id));
            a.push(time(&mut parse_id));
            d.push(time(&mut check_desc));
            c.push(time(&mut parse_desc));
        }
    }
    let med = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (a, b, c, d) = (med(&mut a), med(&mut b), med(&mut c), med(&mut d));
    let _ = writeln!(
        out,
        "| parse | ns | bare check ns | ratio |\n|---|---|---|---|"
    );
    let _ = writeln!(
        out,
        "| `OrgId` (24 hex, typed, with error detail on failure) | {a:.1} | {b:.1} | {:.2} |",
        a / b
    );
    let _ = writeln!(
        out,
        "| `Description` (54 characters, owned) | {c:.1} | {d:.1} | {:.2} |\n",
        c / d
    );
    Section::new(body)
}
