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
        "  pairs under 1 ms: {}/{}",
        medians.iter().filter(|m| **m < 1000.0).count(),
        medians.len()
    );
    for (t, name, n) in per_pair.iter().take(5) {
        println!("  slowest: {name}: {t:.1} µs ({n} representative requests)");
    }
    // Worst case: a star-heavy subject against many exact values on several keys.
    let k = "token.actions.githubusercontent.com";
    let subs: Vec<String> = (0..12)
        .map(|i| format!("repo:o{i}*/*r{i}*:*b{i}*"))
        .collect();
    let ids: Vec<String> = (0..40).map(|i| format!("{}", 1000 + i)).collect();
    let worst = |n: usize| -> Policy {
        let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::123456789012:oidc-provider/{k}")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringLike": {format!("{k}:sub"): subs.get(..n).unwrap_or_default()},
                          "StringEquals": {format!("{k}:repository_id"): ids, format!("{k}:actor_id"): ids}}}]});
        policy(&doc)
    };
    let (a, b) = (worst(6), worst(12));
    let t = Instant::now();
    let r = model::diff(&a, &b, &Options::default());
    let took = t.elapsed().as_secs_f64() * 1e3;
    match r {
        Err(ModelError::TooComplex { what, cap }) => {
            println!("worst case: refused after {took:.1} ms: {what} passed the cap of {cap}")
        }
        Err(e) => println!("worst case: {e} after {took:.1} ms"),
        Ok(d) => println!(
            "worst case: decided in {took:.1} ms ({} requests)",
            d.requests
        ),
    }
}
