//! The linter's stages on a generated whole-account dump, measured separately:
//! - `lint-dump/parse-whole`: the strict parser's tree of a 10,000-role
//!   `get-account-authorization-details` dump (JSON only; `lint` does not do this to a dump,
//!   it is the parser's large-input figure);
//! - `lint-dump/split`: `input::layout`, which splits the dump into roles with serde_json;
//! - `lint-dump/documents`: split, then parse each role (each role's policy built, half of
//!   them from URL-encoded strings), no rules;
//! - `lint-dump/lint`: split, parse and `lint::lint` of every role on one thread: what
//!   `rolecall lint -j 1` does before rendering (the CLI spreads roles over every core);
//! - `lint-seed`: `lint::lint` of each seed policy, parsed beforehand.
//!
//! The dump is this file's [`dump`]; it is the one generator of it. `benches/process.sh` writes
//! it to a file with `cargo bench --bench lint -- --write-dump PATH [--roles N]`, which writes
//! and exits before criterion starts.
//!
//! The roles' trust policies are drawn, in turn, from every policy of the corpus that parses:
//! `corpus/policies/**/*.json`, and the inline `policy` of `corpus/eval/**/*.json` and
//! `corpus/lint/**/*.json`, each copied byte for byte from its file. Half of the roles carry the
//! policy as a JSON object, half as a URL-encoded string (as the IAM API returns it).

mod common;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use criterion::{BenchmarkId, SamplingMode, Throughput};

use rolecall::json;
use rolecall::lint::{self, Config, Finding, LintOptions};
use rolecall::source::{iam as input, Source, SourceText};
use rolecall::Policy;

use common::{fmt_ns, medians, stem, Runner};

/// Roles in the dump under `cargo bench` (and by default for `--write-dump`).
const ROLES: usize = 10_000;
/// Roles in the dump under `cargo test --benches`, where each benchmark runs once in debug.
const TEST_ROLES: usize = 200;
/// The dump's account.
const ACCOUNT: &str = "123456789012";

/// `.json` files under a corpus directory, recursively, sorted.
fn json_files(rel_dir: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for p in rd.filter_map(|e| e.ok().map(|e| e.path())) {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&common::root().join(rel_dir), &mut out);
    out.sort();
    out
}

/// The text of the inline `policy` member of a case file, exactly as written there.
fn inline_policy(text: &str) -> Option<String> {
    let root = json::parse(text).ok()?;
    let span = root.get("policy")?.span.clone();
    text.get(span).map(str::to_string)
}

/// Every corpus policy that parses, as `(name, text)`: the policy files, then the inline
/// policies of the eval and lint cases.
fn corpus_policies() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for p in json_files("corpus/policies") {
        if let Ok(text) = std::fs::read_to_string(&p) {
            let group = p.parent().map(stem).unwrap_or_default();
            out.push((format!("{group}-{}", stem(&p)), text));
        }
    }
    for dir in ["corpus/eval", "corpus/lint"] {
        for p in json_files(dir) {
            let Some(text) = std::fs::read_to_string(&p)
                .ok()
                .and_then(|t| inline_policy(&t))
            else {
                continue;
            };
            let group = p.parent().map(stem).unwrap_or_default();
            let kind = dir.trim_start_matches("corpus/");
            out.push((format!("{kind}-{group}-{}", stem(&p)), text));
        }
    }
    out.retain(|(_, text)| rolecall::parse(text).is_ok());
    if out.is_empty() {
        out.push(("built-in".into(), BUILT_IN.to_string()));
    }
    out
}

/// Used when the corpus is missing.
const BUILT_IN: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {
      "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
      "StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/*"}
    }
  }]
}"#;

/// URL-encode like the IAM API: everything but RFC 3986's unreserved characters.
fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A JSON string literal.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// A deterministic 17-character role id suffix, like the `AROA…` ids IAM assigns.
fn role_id(i: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut x = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut out = String::from("AROA");
    for _ in 0..17 {
        let c = ALPHABET.get((x % 32) as usize).copied().unwrap_or(b'A');
        out.push(char::from(c));
        x = x.rotate_right(5) ^ 0x2545_F491_4F6C_DD1D;
    }
    out
}

/// A whole-account `aws iam get-account-authorization-details` dump with `roles` roles.
/// Policy `k` of `policies` goes to roles `k`, `k + len`, `k + 2·len`...; a role gets the URL-
/// encoded string form when `i + i / len` is odd, so every policy appears in both forms.
pub fn dump(policies: &[(String, String)], roles: usize) -> String {
    const PATHS: [&str; 4] = ["/", "/ci/", "/service-role/", "/deploy/prod/"];
    const TEAMS: [&str; 5] = ["platform", "payments", "data", "web", "security"];
    let len = policies.len().max(1);
    let mut out = String::from(r#"{"UserDetailList":[],"GroupDetailList":[],"RoleDetailList":["#);
    for i in 0..roles {
        let Some((name, text)) = policies.get(i % len) else {
            break;
        };
        if i > 0 {
            out.push(',');
        }
        let path = PATHS.get(i % PATHS.len()).copied().unwrap_or("/");
        let team = TEAMS.get(i % TEAMS.len()).copied().unwrap_or("platform");
        // IAM role names are at most 64 characters.
        let short: String = name.chars().take(58).collect();
        let role = format!("{short}-{i:05}");
        let document = if (i + i / len) % 2 == 1 {
            quoted(&url_encode(text))
        } else {
            text.clone()
        };
        let (month, day, hour) = (1 + i % 12, 1 + i % 28, i % 24);
        out.push_str(&format!(
            r#"{{"Path":{path},"RoleName":{role_q},"RoleId":"{id}","Arn":{arn},"CreateDate":"2021-{month:02}-{day:02}T{hour:02}:17:42Z","AssumeRolePolicyDocument":{document},"InstanceProfileList":[],"RolePolicyList":[],"AttachedManagedPolicies":[],"Tags":[{{"Key":"team","Value":"{team}"}},{{"Key":"source","Value":{source}}}],"RoleLastUsed":{{}}}}"#,
            path = quoted(path),
            role_q = quoted(&role),
            id = role_id(i),
            arn = quoted(&format!("arn:aws:iam::{ACCOUNT}:role{path}{role}")),
            source = quoted(name),
        ));
    }
    out.push_str(r#"],"Policies":[]}"#);
    out
}

/// What `rolecall lint -j 1` does to a file before rendering, through the linter's front door:
/// split it into roles, parse and lint each (or report it invalid). Returns the number of
/// findings.
fn lint_dump(file: &Arc<SourceText>, config: &Config) -> usize {
    let source = Source::Iam {
        file: Arc::clone(file),
        named: true,
    };
    lint::lint_source(
        &source,
        config,
        &LintOptions {
            jobs: 1,
            who: false,
        },
    )
    .linted
    .iter()
    .map(|l| l.findings.len())
    .sum()
}

/// Split and parse only: the number of roles whose policy parsed.
fn documents(text: &str) -> usize {
    let Ok(layout) = input::layout(text) else {
        return 0;
    };
    let mut ok = 0;
    input::for_each_in_layout(&layout, |doc| ok += usize::from(doc.result.is_ok()));
    ok
}

/// `--write-dump PATH [--roles N]`: write the dump and exit, before criterion sees the
/// arguments. `None` when the flag is absent.
fn write_dump_mode(policies: &[(String, String)]) -> Option<i32> {
    let args: Vec<String> = std::env::args().collect();
    let at = args.iter().position(|a| a == "--write-dump")?;
    let Some(path) = args.get(at + 1) else {
        eprintln!("--write-dump needs a path");
        return Some(2);
    };
    let roles = match args.iter().position(|a| a == "--roles") {
        Some(r) => match args.get(r + 1).and_then(|n| n.parse().ok()) {
            Some(n) => n,
            None => {
                eprintln!("--roles needs a number");
                return Some(2);
            }
        },
        None => ROLES,
    };
    let text = dump(policies, roles);
    if let Err(e) = std::fs::write(path, &text) {
        eprintln!("cannot write {path}: {e}");
        return Some(2);
    }
    eprintln!(
        "wrote {path}: {roles} roles from {} corpus policies, {} bytes",
        policies.len(),
        text.len()
    );
    Some(0)
}

/// The corpus policies that cost the dump the most: each one's lint time, and its share of
/// the dump's (each policy's time × the roles that carry it, over the sum for all of them).
fn slowest(policies: &[(String, String)], roles: usize, config: &Config) {
    let parsed: Vec<(&str, Policy)> = policies
        .iter()
        .filter_map(|(name, text)| Some((name.as_str(), rolecall::parse(text).ok()?)))
        .collect();
    let mut runners: Vec<Runner<'_>> = parsed
        .iter()
        .map(|(name, policy)| {
            Runner::new(name, move || {
                lint::lint(black_box(policy), config, "account.json#role").len()
            })
        })
        .collect();
    let m = medians(&mut runners, 5, Duration::from_millis(2));
    drop(runners);
    let len = parsed.len().max(1);
    let share = |i: usize| (roles / len + usize::from(i < roles % len)) as f64;
    let total: f64 = m.iter().enumerate().map(|(i, ns)| ns * share(i)).sum();
    let mut order: Vec<usize> = (0..m.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (m.get(a).copied(), m.get(b).copied());
        y.unwrap_or(0.0).total_cmp(&x.unwrap_or(0.0))
    });
    println!(
        "\n## the corpus policies slowest to lint (of {}), median of an interleaved loop\n",
        parsed.len()
    );
    println!("| policy | lint | roles in the dump | share of the dump's lint time |");
    println!("|---|---|---|---|");
    for &i in order.iter().take(10) {
        let (Some((name, _)), Some(ns)) = (parsed.get(i), m.get(i)) else {
            continue;
        };
        println!(
            "| {name} | {} | {} | {:.1}% |",
            fmt_ns(*ns),
            share(i),
            100.0 * ns * share(i) / total
        );
    }
    let median = {
        let mut sorted = m.clone();
        sorted.sort_by(f64::total_cmp);
        sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN)
    };
    println!("\nmedian corpus policy: {}", fmt_ns(median));
}

fn main() {
    let policies = corpus_policies();
    if let Some(code) = write_dump_mode(&policies) {
        std::process::exit(code);
    }
    let roles = if common::is_bench_run() {
        ROLES
    } else {
        TEST_ROLES
    };
    let text = dump(&policies, roles);
    let config = Config::default();
    let file = Arc::new(SourceText::new(
        "account.json".into(),
        Arc::from(text.as_str()),
    ));
    let parsed = documents(&text);
    if parsed != roles {
        eprintln!("only {parsed} of the dump's {roles} role policies parse");
        std::process::exit(1);
    }

    let mut c = common::criterion();

    // ---- the dump, stage by stage
    let mut g = c.benchmark_group("lint-dump");
    g.sampling_mode(SamplingMode::Flat);
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(300));
    g.measurement_time(Duration::from_secs(3));
    g.throughput(Throughput::Elements(roles as u64));
    g.bench_function(BenchmarkId::new("parse-whole", roles), |b| {
        b.iter(|| input::parse_file(black_box(&text)).is_ok())
    });
    g.bench_function(BenchmarkId::new("split", roles), |b| {
        b.iter(|| input::layout(black_box(&text)).is_ok())
    });
    g.bench_function(BenchmarkId::new("documents", roles), |b| {
        b.iter(|| documents(black_box(&text)))
    });
    g.bench_function(BenchmarkId::new("lint", roles), |b| {
        b.iter(|| lint_dump(black_box(&file), &config))
    });
    g.finish();

    // ---- the seed policies, one by one
    let seeds: Vec<(String, Policy)> = common::files("corpus/policies/seed", "json")
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            Some((stem(&p), rolecall::parse(&text).ok()?))
        })
        .collect();
    let mut g = c.benchmark_group("lint-seed");
    for (name, policy) in &seeds {
        let origin = format!("{name}.json");
        g.bench_with_input(BenchmarkId::from_parameter(name), policy, |b, p| {
            b.iter(|| lint::lint(black_box(p), &config, &origin).len())
        });
    }
    g.finish();
    c.final_summary();

    if !common::is_bench_run() {
        return;
    }

    println!(
        "\n## lint of a {roles}-role account dump ({} bytes, {} corpus policies), median of an \
         interleaved loop, 7 rounds\n",
        text.len(),
        policies.len()
    );
    let mut runners = vec![
        Runner::new(
            "strict parse of the whole file (not what lint does)",
            || input::parse_file(black_box(&text)).is_ok(),
        ),
        Runner::new("split into roles (serde_json)", || {
            input::layout(black_box(&text)).is_ok()
        }),
        Runner::new("split + parse each role", || documents(black_box(&text))),
        Runner::new("split + parse + lint, one thread", || {
            lint_dump(black_box(&file), &config)
        }),
    ];
    let m = medians(&mut runners, 7, Duration::from_millis(100));
    let names: Vec<&str> = runners.iter().map(|r| r.name).collect();
    drop(runners);
    println!("| stage | per dump | per role |");
    println!("|---|---|---|");
    for (name, ns) in names.iter().zip(&m) {
        println!(
            "| {name} | {} | {} |",
            fmt_ns(*ns),
            fmt_ns(ns / roles as f64)
        );
    }
    let findings = lint_dump(&file, &config);
    if let Some(total) = m.last() {
        println!(
            "\nlint: {:.1} ms per {roles}-role dump, {:.2} µs per role ({findings} findings)",
            total / 1e6,
            total / 1e3 / roles as f64
        );
    }

    slowest(&policies, roles, &config);

    println!("\n## lint of each seed policy, median of an interleaved loop\n");
    let origins: Vec<String> = seeds.iter().map(|(n, _)| format!("{n}.json")).collect();
    let mut runners: Vec<Runner<'_>> = seeds
        .iter()
        .zip(&origins)
        .map(|((name, policy), origin)| {
            Runner::new(name, || {
                lint::lint(black_box(policy), &config, origin).len()
            })
        })
        .collect();
    let m = medians(&mut runners, 15, Duration::from_millis(5));
    drop(runners);
    println!("| policy | findings | median |");
    println!("|---|---|---|");
    for (((name, policy), origin), ns) in seeds.iter().zip(&origins).zip(&m) {
        let found: Vec<Finding> = lint::lint(policy, &config, origin);
        println!("| {name} | {} | {} |", found.len(), fmt_ns(*ns));
    }
}
