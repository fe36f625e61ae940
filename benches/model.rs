//! `diff` on every pair of the diff corpus (median per pair; target under 1 ms), and the
//! worst case constructed against the caps: the time to reach the cap and refuse.
#![allow(
    clippy::indexing_slicing,
    reason = "serde_json indexing of corpus files returns Null, never panics"
)]

use std::time::Instant;

use rolecall::model::{self, ModelError, Options};
use rolecall::policy::{parse, Policy};
use serde_json::Value;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn policy(v: &Value) -> Policy {
    parse(&serde_json::to_string(v).unwrap_or_default()).unwrap_or_else(|_| {
        eprintln!("corpus policy does not parse");
        std::process::exit(2)
    })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/diff/cases");
    let mut per_pair: Vec<(f64, String, usize)> = Vec::new();
    // Each pair's fastest run too: on a shared machine the median carries other jobs' load.
    let mut bests: Vec<f64> = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .map(|r| r.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let Ok(case) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let (base, head) = (policy(&case["base"]), policy(&case["head"]));
        let opts = Options::default();
        let mut times = Vec::new();
        let mut requests = 0;
        for _ in 0..15 {
            let t = Instant::now();
            let d = model::diff(&base, &head, &opts);
            times.push(t.elapsed().as_secs_f64() * 1e6);
            requests = d.map(|d| d.requests).unwrap_or(0);
        }
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let best = times.iter().copied().fold(f64::INFINITY, f64::min);
        bests.push(best);
        per_pair.push((median(times), name, requests));
    }
    let medians: Vec<f64> = per_pair.iter().map(|p| p.0).collect();
    per_pair.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("diff over {} corpus pairs:", medians.len());
    println!(
        "  median of per-pair medians: {:.1} µs",
        median(medians.clone())
    );
    println!(
        "  median of per-pair fastest runs: {:.1} µs",
        median(bests.clone())
    );
    println!(
        "  pairs under 1 ms: {}/{}",
        medians.iter().filter(|m| **m < 1000.0).count(),
        medians.len()
    );
    for (t, name, n) in per_pair.iter().take(5) {
        println!("  slowest: {name}: {t:.1} µs ({n} representative requests)");
    }
    // What lint's `unassumable-role` asks of every policy: does it admit anyone?
    let mut asked: Vec<f64> = Vec::new();
    for path in lint_cases(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/lint")) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let Ok(case) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        if !case["policy"].is_object() {
            continue;
        }
        let Ok(p) = parse(&serde_json::to_string(&case["policy"]).unwrap_or_default()) else {
            continue;
        };
        let times: Vec<f64> = (0..7)
            .map(|_| {
                let t = Instant::now();
                let _ = model::admits_anyone(&p, &Options::default());
                t.elapsed().as_secs_f64() * 1e6
            })
            .collect();
        asked.push(median(times));
    }
    let total: f64 = asked.iter().sum();
    let slowest = asked.iter().copied().fold(0.0, f64::max);
    println!(
        "admits_anyone over {} lint corpus policies: median {:.1} µs, slowest {:.1} µs, {:.1} ms in all",
        asked.len(),
        median(asked.clone()),
        slowest,
        total / 1e3
    );
    // Worst cases, each built against one cap: the slowest is the worst case's time.
    let mut worst: Vec<(f64, String, String)> = worst_cases()
        .into_iter()
        .map(|(name, base, head)| {
            let times: Vec<(f64, String)> = (0..3)
                .map(|_| {
                    let t = Instant::now();
                    let r = model::diff(&base, &head, &Options::default());
                    let took = t.elapsed().as_secs_f64() * 1e3;
                    let said = match r {
                        Err(ModelError::TooComplex { what, cap }) => {
                            format!("refused: {what} passed the cap of {cap}")
                        }
                        Err(e) => format!("refused: {e}"),
                        Ok(d) => format!("decided ({} requests)", d.requests),
                    };
                    (took, said)
                })
                .collect();
            let said = times.first().map(|t| t.1.clone()).unwrap_or_default();
            (median(times.iter().map(|t| t.0).collect()), name, said)
        })
        .collect();
    worst.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (took, name, said) in &worst {
        println!("worst-case candidate {name}: {took:.1} ms, {said}");
    }
    if let Some((took, name, said)) = worst.first() {
        println!("worst case: {name}: {took:.1} ms, {said}");
    }
}

/// Every `*.json` under `dir`, recursively, sorted.
fn lint_cases(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

const K: &str = "token.actions.githubusercontent.com";

/// A GitHub trust policy with these conditions.
fn gh(conditions: Value) -> Policy {
    policy(&serde_json::json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": format!("arn:aws:iam::123456789012:oidc-provider/{K}")},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": conditions}]}))
}

fn values(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{}", 1000 + i)).collect()
}

/// `(name, base, head)`: pairs built to run into each cap of `Options` (`model::Limits`).
fn worst_cases() -> Vec<(String, Policy, Policy)> {
    let key = |claim: &str| format!("{K}:{claim}");
    // Star-heavy subjects against many exact ids: one field's search passes its state cap.
    let stars = |n: usize| {
        let subs: Vec<String> = (0..n)
            .map(|i| format!("repo:o{i}*/*r{i}*:*b{i}*"))
            .collect();
        gh(serde_json::json!({"StringLike": {key("sub"): subs},
            "StringEquals": {key("repository_id"): values("", 40), key("actor_id"): values("", 40)}}))
    };
    // Exact values on independent claims: every combination is a request of its own, so
    // judging them runs into the work cap (or their count into the request cap).
    let grid = |n: usize| {
        gh(
            serde_json::json!({"StringLike": {key("sub"): "repo:acme/*"},
            "StringEquals": {key("repository_id"): values("", n), key("actor_id"): values("", n),
                             key("workflow"): values("w", n)}}),
        )
    };
    // Address ranges and time thresholds multiply every identity class.
    let nets: Vec<String> = (0..60).map(|i| format!("10.{i}.0.0/16")).collect();
    let spread = gh(
        serde_json::json!({"StringLike": {key("sub"): "repo:acme/*"},
        "StringEquals": {key("repository_id"): values("", 12), key("actor_id"): values("", 12)},
        "IpAddress": {"aws:SourceIp": nets},
        "DateGreaterThan": {"aws:CurrentTime": "2025-01-01T00:00:00Z"},
        "DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}}),
    );
    let open = gh(serde_json::json!({"StringLike": {key("sub"): "repo:acme/*"}}));
    vec![
        ("stars-6-vs-12".into(), stars(6), stars(12)),
        ("grid-10".into(), grid(10), grid(10)),
        ("grid-20".into(), open.clone(), grid(20)),
        ("grid-40".into(), open.clone(), grid(40)),
        ("addresses-and-times".into(), open, spread),
    ]
}
