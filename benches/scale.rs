//! How lint scales, on realistic inputs (issue targets in brackets):
//! - a 10,000-role account dump in which every role is an ordinary policy of a real provider
//!   (the policies of `corpus/lint/recommended/`, in turn, half as URL-encoded strings as the
//!   IAM API returns them): lint through the front door on one thread and on every core, and
//!   the process's peak resident memory [under 300 ms and 100 MB on 2 cores];
//! - one policy of 8,000 and of 32,000 statements drawn from the same policies: lint time,
//!   and the ratio of the two [at most 5: linear growth is 4].
//!
//! Under `cargo test --benches` each runs once, small, in debug, and nothing is printed.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use rolecall::lint::{self, Config, LintOptions};
use rolecall::source::{Source, SourceText};
use serde_json::Value;

use common::{fmt_ns, medians, root, Runner};

/// The recommended policies, each as compact JSON.
fn recommended() -> Vec<Value> {
    let mut out = Vec::new();
    for p in common::files("corpus/lint/recommended", "json") {
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        if let Ok(case) = serde_json::from_str::<Value>(&text) {
            if let Some(policy) = case.get("policy") {
                out.push(policy.clone());
            }
        }
    }
    out
}

/// `%XX` for every byte outside RFC 3986's unreserved set, as the IAM API encodes.
fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn dump(policies: &[Value], roles: usize) -> String {
    let list: Vec<Value> = (0..roles)
        .filter_map(|i| {
            let p = policies.get(i % policies.len().max(1))?;
            let document = if i % 2 == 0 {
                p.clone()
            } else {
                Value::String(url_encode(&p.to_string()))
            };
            Some(serde_json::json!({
                "RoleName": format!("role-{i}"),
                "Arn": format!("arn:aws:iam::123456789012:role/role-{i}"),
                "Path": "/",
                "AssumeRolePolicyDocument": document,
                "RolePolicyList": [],
                "AttachedManagedPolicies": [],
            }))
        })
        .collect();
    serde_json::json!({"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": list, "Policies": []})
        .to_string()
}

/// One policy of `n` statements, each a recommended policy's first statement with its own Sid.
fn many_statements(policies: &[Value], n: usize) -> String {
    let statements: Vec<Value> = (0..n)
        .filter_map(|i| {
            let p = policies.get(i % policies.len().max(1))?;
            let mut s = p.get("Statement")?.get(0)?.clone();
            s.as_object_mut()?
                .insert("Sid".into(), Value::String(format!("S{i}")));
            Some(s)
        })
        .collect();
    serde_json::json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

fn source(name: &str, text: String) -> Source {
    Source::Iam {
        file: Arc::new(SourceText::new(name.into(), Arc::from(text.as_str()))),
        named: true,
    }
}

fn lint_source(s: &Source, jobs: usize) -> usize {
    lint::lint_source(
        s,
        &Config::default(),
        &LintOptions {
            jobs,
            ..LintOptions::default()
        },
    )
    .linted
    .iter()
    .map(|l| l.findings.len())
    .sum()
}

/// Peak resident memory of this process so far (Linux `VmHWM`), in MiB.
fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn once(f: impl FnOnce() -> usize) -> (Duration, usize) {
    let t = Instant::now();
    let n = f();
    (t.elapsed(), n)
}

fn main() {
    let _ = root();
    let policies = recommended();
    let bench = common::is_bench_run();
    let (roles, small, large) = if bench {
        (10_000, 8_000, 32_000)
    } else {
        (50, 40, 160)
    };
    let dump = source("account.json", dump(&policies, roles));
    let small_policy = source("small.json", many_statements(&policies, small));
    let large_policy = source("large.json", many_statements(&policies, large));
    if !bench {
        // Smoke: every input lints, and the dump's roles all parse as policies.
        assert!(lint_source(&dump, 1) > 0 || roles == 0);
        lint_source(&small_policy, 1);
        lint_source(&large_policy, 1);
        return;
    }
    let before = peak_mib();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let mut runners = vec![
        Runner::new("dump, 1 thread", || lint_source(&dump, 1)),
        Runner::new("dump, every core", || lint_source(&dump, cores)),
    ];
    let m = medians(&mut runners, 5, Duration::from_millis(300));
    drop(runners);
    println!(
        "\n## lint of a {roles}-role dump of recommended policies ({} distinct)\n",
        policies.len()
    );
    println!("| run | median | target |");
    println!("|---|---|---|");
    for (name, ns) in ["1 thread", &format!("{cores} threads")].iter().zip(&m) {
        println!("| {name} | {} | < 300 ms |", fmt_ns(*ns));
    }
    println!(
        "\npeak resident memory of this bench process: {:.1} MiB before, {:.1} MiB after the dump \
         (target < 100 MB for the dump)",
        before.unwrap_or(f64::NAN),
        peak_mib().unwrap_or(f64::NAN)
    );
    // Statement scaling: interleaved single runs, median of three each.
    let mut s = Vec::new();
    let mut l = Vec::new();
    for _ in 0..3 {
        s.push(once(|| lint_source(&small_policy, 1)).0.as_secs_f64());
        l.push(once(|| lint_source(&large_policy, 1)).0.as_secs_f64());
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let (ms, ml) = (median(&mut s), median(&mut l));
    println!("\n## lint of one policy of many statements (one thread, median of 3)\n");
    println!("| statements | time |");
    println!("|---|---|");
    println!("| {small} | {:.3} s |", ms);
    println!("| {large} | {:.3} s |", ml);
    println!(
        "\nratio {large}/{small}: {:.2} (target at most 5; linear is {:.0})",
        ml / ms,
        large as f64 / small as f64
    );
}
