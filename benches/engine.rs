//! The engine's stages, measured separately so a regression points at its stage:
//! - `parse`: each seed policy of `corpus/policies/seed/`, plus generated ~1 MB and ~10 MB
//!   policies that show parsing is linear (MB/s printed for both after the criterion groups).
//! - `evaluate`: `check` (request building plus evaluation) on parsed policies: the seed
//!   policies with the seed token's claims, and the provider cases of `corpus/eval/providers/`.
//! - `token`: `token::decode` of each `corpus/tokens/*.jwt`.

mod common;

use std::hint::black_box;
use std::net::IpAddr;
use std::time::Duration;

use criterion::{BenchmarkId, SamplingMode, Throughput};
use serde_json::{Map, Value};

use rolecall::check::{CheckRequest, Identity};
use rolecall::policy::{Policy, Principal, PrincipalKind};
use rolecall::{parse, Verdict};

use common::{fmt_ns, medians, stem, Runner};

/// The seed policies; a built-in copy of the repository policy when the corpus is missing.
fn seed_policies() -> Vec<(String, String)> {
    let found: Vec<(String, String)> = common::files("corpus/policies/seed", "json")
        .into_iter()
        .filter_map(|p| Some((stem(&p), std::fs::read_to_string(&p).ok()?)))
        .collect();
    if !found.is_empty() {
        return found;
    }
    vec![(
        "policy-repository (built-in)".into(),
        SEED_REPOSITORY.to_string(),
    )]
}

const SEED_REPOSITORY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/api.bitbucket.org/2.0/workspaces/bbcitest/pipelines-config/identity/oidc"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringLike": {"api.bitbucket.org/2.0/workspaces/bbcitest/pipelines-config/identity/oidc:sub": "{1de489be-ce6a-42a0-a8c8-eadbf1174ac7}:*"}}
  }]
}"#;

/// A policy of about `target` bytes: copies of a statement shaped like the seed's IP-range one
/// (a StringLike on `sub` plus fifteen CIDRs), each with its own Sid.
fn big_policy(target: usize) -> String {
    let mut out = String::from("{\"Version\":\"2012-10-17\",\"Statement\":[");
    let mut i = 0usize;
    while out.len() < target {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            r#"{{"Sid":"S{i}","Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::123456789012:oidc-provider/api.bitbucket.org/2.0/workspaces/ws{i}/pipelines-config/identity/oidc"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringLike":{{"api.bitbucket.org/2.0/workspaces/ws{i}/pipelines-config/identity/oidc:sub":"{{1de489be-ce6a-42a0-a8c8-{i:012}}}:*"}},"StringEquals":{{"api.bitbucket.org/2.0/workspaces/ws{i}/pipelines-config/identity/oidc:aud":"ari:cloud:bitbucket::workspace/922e118c-f34f-4226-a897-0e0afbec553d"}},"IpAddress":{{"aws:SourceIp":["34.199.54.113/32","34.232.25.90/32","34.232.119.183/32","34.236.25.177/32","35.171.175.212/32","52.54.90.98/32","52.202.195.162/32","52.203.14.55/32","52.204.96.37/32","34.218.156.209/32","34.218.168.212/32","52.41.219.63/32","35.155.178.254/32","35.160.177.10/32","34.216.18.129/32"]}}}}}}"#
        ));
        i += 1;
    }
    out.push_str("]}");
    out
}

/// An evaluation input: a parsed policy and an owned request description.
struct EvalCase {
    name: String,
    policy: Policy,
    provider: String,
    claims: Map<String, Value>,
    source_ip: Option<IpAddr>,
    now: i128,
}

impl EvalCase {
    /// The verdict; `None` when no request can be built (not the case with a provider given).
    fn run(&self) -> Option<Verdict> {
        rolecall::check::run(&CheckRequest {
            policy: &self.policy,
            identity: Identity::Claims(&self.claims),
            provider: Some(&self.provider),
            source_ip: self.source_ip,
            now: self.now,
            context: &[],
        })
        .ok()
        .map(|r| r.verdict)
    }
}

fn first_federated(p: &Policy) -> Option<String> {
    p.statements.iter().find_map(|s| match &s.principal {
        Principal::Entries(e, _) => e
            .iter()
            .find(|e| e.kind == PrincipalKind::Federated)
            .map(|e| e.value.clone()),
        Principal::Everyone(_) => None,
    })
}

fn seed_claims() -> Map<String, Value> {
    common::read("corpus/tokens/bitbucket-seed.claims.json")
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_else(|| {
            let mut m = Map::new();
            m.insert("iss".into(), Value::String("https://api.bitbucket.org/2.0/workspaces/bbcitest/pipelines-config/identity/oidc".into()));
            m.insert("sub".into(), Value::String("{1de489be-ce6a-42a0-a8c8-eadbf1174ac7}:{bd715740-c970-486b-b68a-b421ec2a1f8b}:{759de0c6-eaee-4eaa-b7a6-c507eec759a7}".into()));
            m.insert("aud".into(), Value::String("ari:cloud:bitbucket::workspace/922e118c-f34f-4226-a897-0e0afbec553d".into()));
            m
        })
}

fn eval_cases(big: &str) -> Vec<EvalCase> {
    // 2020-01-11T14:00:00Z, inside the seed token's validity window.
    let seed_now = 1_578_751_200i128 * 1_000_000_000;
    let ip: Option<IpAddr> = "34.199.54.113".parse().ok();
    let claims = seed_claims();
    let mut out = Vec::new();
    for (name, text) in seed_policies() {
        let Ok(policy) = parse(&text) else { continue };
        let Some(provider) = first_federated(&policy) else {
            continue;
        };
        out.push(EvalCase {
            name: format!("seed/{name}"),
            policy,
            provider,
            claims: claims.clone(),
            source_ip: ip,
            now: seed_now,
        });
    }
    for p in common::files("corpus/eval/providers", "json") {
        let Some(case) = std::fs::read_to_string(&p)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        else {
            continue;
        };
        let name = stem(&p);
        if !["github-allow", "gitlab-allow", "eks-irsa-allow"].contains(&name.as_str()) {
            continue;
        }
        let policy = case
            .get("policy")
            .and_then(|v| serde_json::to_string(v).ok())
            .and_then(|t| parse(&t).ok());
        let request = case.get("request");
        let provider = request
            .and_then(|r| r.get("provider"))
            .and_then(Value::as_str);
        let claims = request
            .and_then(|r| r.get("claims"))
            .and_then(Value::as_object);
        let source_ip = request
            .and_then(|r| r.get("source_ip"))
            .and_then(Value::as_str)
            .and_then(|s| s.parse().ok());
        if let (Some(policy), Some(provider), Some(claims)) = (policy, provider, claims) {
            out.push(EvalCase {
                name: format!("provider/{name}"),
                policy,
                provider: provider.to_string(),
                claims: claims.clone(),
                source_ip,
                // 2026-01-01T00:01:00Z, the providers' cases' time.
                now: 1_767_225_660i128 * 1_000_000_000,
            });
        }
    }
    if let Ok(policy) = parse(big) {
        out.push(EvalCase {
            name: format!("generated/{}-statements", policy.statements.len()),
            provider: "arn:aws:iam::123456789012:oidc-provider/api.bitbucket.org/2.0/workspaces/ws0/pipelines-config/identity/oidc".into(),
            policy,
            claims: claims.clone(),
            source_ip: ip,
            now: seed_now,
        });
    }
    out
}

fn mb_per_s(bytes: usize, ns: f64) -> f64 {
    bytes as f64 / (ns / 1e9) / 1e6
}

fn main() {
    let mut c = common::criterion();
    let one_mb = big_policy(1 << 20);
    let ten_mb = big_policy(10 << 20);
    for (name, text) in [("1MB", &one_mb), ("10MB", &ten_mb)] {
        if let Err(e) = parse(text) {
            eprintln!("the generated {name} policy does not parse: {e:?}");
            std::process::exit(1);
        }
    }

    // ---- parse
    let seeds = seed_policies();
    let mut g = c.benchmark_group("parse");
    for (name, text) in &seeds {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), text, |b, t| {
            b.iter(|| parse(black_box(t)).is_ok())
        });
    }
    g.finish();
    let mut g = c.benchmark_group("parse-large");
    g.sampling_mode(SamplingMode::Flat);
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(300));
    g.measurement_time(Duration::from_secs(2));
    for (name, text) in [("1MB", &one_mb), ("10MB", &ten_mb)] {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), text, |b, t| {
            b.iter(|| parse(black_box(t)).is_ok())
        });
    }
    g.finish();

    // ---- evaluate
    let cases = eval_cases(&one_mb);
    let mut g = c.benchmark_group("evaluate");
    for case in &cases {
        g.bench_function(BenchmarkId::from_parameter(&case.name), |b| {
            b.iter(|| black_box(case).run())
        });
    }
    g.finish();

    // ---- token decode
    let tokens: Vec<(String, Vec<u8>)> = common::files("corpus/tokens", "jwt")
        .into_iter()
        .filter_map(|p| Some((stem(&p), std::fs::read(&p).ok()?)))
        .collect();
    let mut g = c.benchmark_group("token-decode");
    for (name, bytes) in &tokens {
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), bytes, |b, t| {
            b.iter(|| rolecall::token::decode(black_box(t)).is_ok())
        });
    }
    g.finish();
    c.final_summary();

    if !common::is_bench_run() {
        return;
    }

    println!("\n## parse throughput (median of an interleaved loop, 7 rounds)\n");
    let mut runners = vec![
        Runner::new("1MB", || parse(black_box(&one_mb)).is_ok()),
        Runner::new("10MB", || parse(black_box(&ten_mb)).is_ok()),
    ];
    let m = medians(&mut runners, 7, Duration::from_millis(100));
    println!("| policy | bytes | statements | median | MB/s |");
    println!("|---|---|---|---|---|");
    for ((name, text), ns) in [("1MB", &one_mb), ("10MB", &ten_mb)].iter().zip(&m) {
        let statements = parse(text).map(|p| p.statements.len()).unwrap_or(0);
        println!(
            "| {name} | {} | {statements} | {} | {:.1} |",
            text.len(),
            fmt_ns(*ns),
            mb_per_s(text.len(), *ns)
        );
    }
    if let [small, big] = m.as_slice() {
        let per_byte_ratio = (big / ten_mb.len() as f64) / (small / one_mb.len() as f64);
        println!("\ncost per byte, 10MB / 1MB: {per_byte_ratio:.2} (1.00 = linear)");
    }

    println!("\n## evaluate (check: build request + evaluate), median of an interleaved loop\n");
    println!("| case | statements | verdict | median |");
    println!("|---|---|---|---|");
    // Small and large policies are timed apart: freeing a 1,251-statement decision leaves the
    // allocator work that would otherwise land on whichever small case runs next.
    let (small, large): (Vec<&EvalCase>, Vec<&EvalCase>) =
        cases.iter().partition(|c| c.policy.statements.len() < 100);
    let mut timed = Vec::new();
    for group in [small, large] {
        let mut runners: Vec<Runner<'_>> = group
            .iter()
            .map(|case| Runner::new(&case.name, move || case.run()))
            .collect();
        let m = medians(&mut runners, 15, Duration::from_millis(2));
        drop(runners);
        timed.extend(group.into_iter().zip(m));
    }
    for (case, ns) in &timed {
        println!(
            "| {} | {} | {} | {} |",
            case.name,
            case.policy.statements.len(),
            case.run().map_or("(no request)", Verdict::as_str),
            fmt_ns(*ns)
        );
    }
}
