//! Timing two sides of a comparison fairly: the same work, alternated
//! round by round, medians of rounds.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One side's result over a round.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    /// Completed calls per second.
    pub rps: f64,
    /// Median latency.
    pub p50: Duration,
    /// 99th-percentile latency.
    pub p99: Duration,
}

/// A call to time; returns whether it succeeded.
pub type Call = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = bool> + Send>> + Send + Sync>;

/// Runs `calls` calls over `concurrency` tasks and measures them.
pub async fn round(call: &Call, calls: usize, concurrency: usize) -> Stats {
    let per_task = (calls / concurrency).max(1);
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let call = call.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(per_task);
                for _ in 0..per_task {
                    let t = Instant::now();
                    assert!(call().await, "a benchmarked call failed");
                    latencies.push(t.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut all = Vec::with_capacity(per_task * concurrency);
    for t in tasks {
        all.extend(t.await.expect("task"));
    }
    let elapsed = started.elapsed();
    all.sort();
    Stats {
        rps: all.len() as f64 / elapsed.as_secs_f64(),
        p50: all[all.len() / 2],
        p99: all[(all.len() * 99 / 100).min(all.len() - 1)],
    }
}

/// Alternates the sides for `rounds` rounds (A B, B A, ...) and returns the
/// median round of each side, by throughput.
pub async fn compare(
    sides: &[&Call],
    rounds: usize,
    calls: usize,
    concurrency: usize,
) -> Vec<Stats> {
    median_rounds(every_round(sides, rounds, calls, concurrency).await)
}

/// The median round of each side, by throughput.
pub fn median_rounds(results: Vec<Vec<Stats>>) -> Vec<Stats> {
    results
        .into_iter()
        .map(|mut v| {
            v.sort_by(|a, b| a.rps.total_cmp(&b.rps));
            v[v.len() / 2]
        })
        .collect()
}

/// The median over rounds of `side`'s p50 divided by the baseline's p50 in
/// the same round: the two ran back to back, so a slow spell of the machine
/// hits both and cancels.
pub fn paired_p50_ratio(results: &[Vec<Stats>], side: usize) -> f64 {
    let mut ratios: Vec<f64> = results[side]
        .iter()
        .zip(&results[0])
        .map(|(s, base)| s.p50.as_secs_f64() / base.p50.as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios[ratios.len() / 2]
}

/// Every round of every side, sides alternated (A B, B A, ...).
pub async fn every_round(
    sides: &[&Call],
    rounds: usize,
    calls: usize,
    concurrency: usize,
) -> Vec<Vec<Stats>> {
    let mut results: Vec<Vec<Stats>> = vec![Vec::new(); sides.len()];
    for r in 0..rounds {
        let order: Vec<usize> = if r % 2 == 0 {
            (0..sides.len()).collect()
        } else {
            (0..sides.len()).rev().collect()
        };
        for i in order {
            results[i].push(round(sides[i], calls, concurrency).await);
        }
    }
    results
}

/// Milliseconds with two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}
