//! Validation cost: id and description parsing, side by side with a bare
//! baseline in one process, sides alternated, medians and ratios reported.
//!
//! `cargo bench -p atlas-apikeys --bench parse`

use std::hint::black_box;
use std::time::Instant;

use atlas_apikeys::{Description, OrgId};

const ROUNDS: usize = 21;
const ITERS: u32 = 200_000;

/// Median ns per call of each side, alternating sides every round.
fn compare(name: &str, ours: &mut dyn FnMut(), baseline: &mut dyn FnMut()) {
    let mut a = Vec::with_capacity(ROUNDS);
    let mut b = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        let time = |f: &mut dyn FnMut()| {
            let start = Instant::now();
            for _ in 0..ITERS {
                f();
            }
            start.elapsed().as_nanos() as f64 / f64::from(ITERS)
        };
        if round % 2 == 0 {
            a.push(time(ours));
            b.push(time(baseline));
        } else {
            b.push(time(baseline));
            a.push(time(ours));
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (a, b) = (median(&mut a), median(&mut b));
    println!(
        "{name:<44} {a:>8.1} ns   baseline {b:>8.1} ns   ratio {:>5.2}",
        a / b
    );
}

fn main() {
    let id = "32b6e34b3d91647abb20e7b8";
    let bad_id = "32b6e34b3d91647abb20e7bX";
    let desc = "rotated by the nightly CI job for the payments service";
    let long = "é".repeat(300);
    println!(
        "{} rounds x {ITERS} iterations per side; medians of ns per call",
        ROUNDS
    );
    compare(
        "OrgId::parse (valid)",
        &mut || {
            black_box(OrgId::parse(black_box(id)).is_ok());
        },
        // Baseline: the bare check, no typed value, no error detail.
        &mut || {
            let s = black_box(id);
            black_box(
                s.len() == 24
                    && s.bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            );
        },
    );
    compare(
        "OrgId::parse (invalid, full error)",
        &mut || {
            black_box(OrgId::parse(black_box(bad_id)).is_err());
        },
        &mut || {
            let s = black_box(bad_id);
            black_box(
                s.len() == 24
                    && s.bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            );
        },
    );
    compare(
        "Description::new (54 chars, owned)",
        &mut || {
            black_box(Description::new(black_box(desc)).is_ok());
        },
        // Baseline: count the characters and take ownership, as any check must.
        &mut || {
            let s = black_box(desc);
            let n = s.chars().count();
            black_box((1..=250).contains(&n).then(|| s.to_owned()));
        },
    );
    compare(
        "Description::new (300 chars, rejected)",
        &mut || {
            black_box(Description::new(black_box(long.as_str())).is_err());
        },
        &mut || {
            let s = black_box(long.as_str());
            let n = s.chars().count();
            black_box((1..=250).contains(&n).then(|| s.to_owned()));
        },
    );
}
