//! Helpers shared by the bench binaries: corpus paths, short criterion settings, and a plain
//! interleaved timing loop for the summary tables printed after the criterion groups.

#![allow(dead_code)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::Criterion;

/// The binary's allocator (see Cargo.toml), so library stages are measured as they run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The repository root (benches run with it as their working directory, but do not rely on it).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Read a file under the repository root, or `None` when it is not there yet.
pub fn read(rel: &str) -> Option<String> {
    std::fs::read_to_string(root().join(rel)).ok()
}

/// The `*.ext` files of a corpus directory, sorted by name.
pub fn files(rel_dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join(rel_dir))
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == ext))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

pub fn stem(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Criterion with short times, so a full `cargo bench` stays within a few minutes on 2 cores.
/// Command-line options (`--warm-up-time`, `--measurement-time`, a filter...) still win.
pub fn criterion() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_millis(600))
        .sample_size(20)
        .nresamples(2_000)
        .without_plots()
        .configure_from_args()
}

/// `true` under `cargo bench` (criterion gets `--bench`); `false` under `cargo test --benches`,
/// where the summary tables are skipped.
pub fn is_bench_run() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// A positional filter given on the command line (`cargo bench --bench matcher -- gh_`), if any.
pub fn filter() -> Option<String> {
    std::env::args().skip(1).find(|a| !a.starts_with('-'))
}

/// A contender in a summary table: a name and a closure that runs the operation `n` times.
pub struct Runner<'a> {
    pub name: &'a str,
    pub run: Box<dyn FnMut(u64) + 'a>,
}

impl<'a> Runner<'a> {
    pub fn new<T>(name: &'a str, mut op: impl FnMut() -> T + 'a) -> Self {
        Runner {
            name,
            run: Box::new(move |n| {
                for _ in 0..n {
                    black_box(op());
                }
            }),
        }
    }
}

/// Median nanoseconds per call for each runner. The runners are interleaved round by round, so
/// slow drift on a shared machine hits them all alike. Each round runs a batch of about
/// `batch` long per runner.
pub fn medians(runners: &mut [Runner<'_>], rounds: usize, batch: Duration) -> Vec<f64> {
    // Calibrate: how many calls make one batch.
    let counts: Vec<u64> = runners
        .iter_mut()
        .map(|r| {
            let mut n = 1u64;
            loop {
                let t = Instant::now();
                (r.run)(n);
                let el = t.elapsed();
                if el >= batch / 4 || n >= 1 << 30 {
                    let per = el.as_secs_f64() / n as f64;
                    break ((batch.as_secs_f64() / per.max(1e-12)) as u64).max(1);
                }
                n *= 4;
            }
        })
        .collect();
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); runners.len()];
    for _ in 0..rounds {
        for ((r, &n), s) in runners.iter_mut().zip(&counts).zip(samples.iter_mut()) {
            let t = Instant::now();
            (r.run)(n);
            s.push(t.elapsed().as_nanos() as f64 / n as f64);
        }
    }
    samples
        .into_iter()
        .map(|mut s| {
            s.sort_by(f64::total_cmp);
            s.get(s.len() / 2).copied().unwrap_or(f64::NAN)
        })
        .collect()
}

/// `12.3 ns`, `4.56 µs`, `7.89 ms`.
pub fn fmt_ns(ns: f64) -> String {
    if ns < 1_000.0 {
        format!("{ns:.1} ns")
    } else if ns < 1_000_000.0 {
        format!("{:.2} µs", ns / 1_000.0)
    } else {
        format!("{:.2} ms", ns / 1_000_000.0)
    }
}
