//! The IAM wildcard matcher against its peers, on realistic subjects and on pathological input.
//!
//! Peers, all precompiled where the crate allows it:
//! - `wildmatch`: exactly IAM's `*`/`?` (char-based `?`, case-sensitive).
//! - `regex`: the oracle translation, `(?s)\A` + escaped literals, `*` as `.*`, `?` as `.` + `\z`.
//! - `glob-match`: `\ [ ] { } ! , ^ -` backslash-escaped and every `*` written `**`, which is the
//!   closest it gets to IAM. It still differs: its `?` is one byte and never matches `/`. None of
//!   the patterns below uses `?` except the pathological `a?b` one, where the text is all ASCII
//!   and has no `/`, so its answers agree here; they would not in general.
//! - `memmem`: a `memchr::memmem::Finder` search of the pattern's longest literal run, the floor
//!   for any matcher that must look at the bytes.
//!
//! After the criterion groups (only under `cargo bench`), the binary prints two tables from its
//! own interleaved timing loop: rolecall's median as a ratio to each peer, and ns per input byte
//! on the pathological inputs.

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput};
use memchr::memmem;
use regex::Regex;
use rolecall::pattern::Matcher;
use wildmatch::WildMatch;

use common::{fmt_ns, medians, Runner};

/// One (pattern, value) pair and the answer IAM gives.
struct Case {
    name: String,
    pattern: String,
    value: String,
    expect: bool,
}

impl Case {
    fn new(name: &str, pattern: &str, value: &str, expect: bool) -> Self {
        Case {
            name: name.to_string(),
            pattern: pattern.to_string(),
            value: value.to_string(),
            expect,
        }
    }
}

/// Every peer, compiled for one pattern.
struct Compiled {
    ours: Matcher,
    wild: WildMatch,
    re: Regex,
    glob: String,
    floor: memmem::Finder<'static>,
}

impl Compiled {
    fn new(pattern: &str) -> Option<Self> {
        Some(Compiled {
            ours: Matcher::new(pattern),
            wild: WildMatch::new(pattern),
            re: oracle(pattern)?,
            glob: glob_pattern(pattern),
            floor: memmem::Finder::new(longest_literal(pattern).as_bytes()).into_owned(),
        })
    }

    fn answers(&self, value: &str) -> [(&'static str, bool); 4] {
        [
            ("rolecall", self.ours.is_match(value)),
            ("wildmatch", self.wild.matches(value)),
            ("regex", self.re.is_match(value)),
            ("glob-match", glob_match::glob_match(&self.glob, value)),
        ]
    }
}

const PEERS: [&str; 5] = ["rolecall", "wildmatch", "regex", "glob-match", "memmem"];

fn oracle(pattern: &str) -> Option<Regex> {
    let mut re = String::from(r"(?s)\A");
    let mut lit = String::new();
    for c in pattern.chars() {
        if c == '*' || c == '?' {
            re.push_str(&regex::escape(&std::mem::take(&mut lit)));
            re.push_str(if c == '*' { ".*" } else { "." });
        } else {
            lit.push(c);
        }
    }
    re.push_str(&regex::escape(&lit));
    re.push_str(r"\z");
    match Regex::new(&re) {
        Ok(r) => Some(r),
        Err(e) => {
            eprintln!("note: no regex for {pattern:?}: {e}");
            None
        }
    }
}

fn glob_pattern(pattern: &str) -> String {
    let mut out = String::new();
    for c in pattern.chars() {
        match c {
            '\\' | '[' | ']' | '{' | '}' | '!' | ',' | '^' | '-' => {
                out.push('\\');
                out.push(c);
            }
            '*' => out.push_str("**"),
            c => out.push(c),
        }
    }
    out
}

fn longest_literal(pattern: &str) -> String {
    pattern
        .split(['*', '?'])
        .max_by_key(|s| s.len())
        .unwrap_or_default()
        .to_string()
}

/// The seed's Bitbucket subject and the two StringLike patterns of its policies, read from
/// `corpus/`; the constants are the same strings, used when the corpus is not there.
fn bitbucket() -> (String, String, String) {
    let claims: Option<serde_json::Value> =
        common::read("corpus/tokens/bitbucket-seed.claims.json")
            .and_then(|t| serde_json::from_str(&t).ok());
    let sub = claims
        .as_ref()
        .and_then(|c| c.get("sub"))
        .and_then(|s| s.as_str())
        .unwrap_or("{1de489be-ce6a-42a0-a8c8-eadbf1174ac7}:{bd715740-c970-486b-b68a-b421ec2a1f8b}:{759de0c6-eaee-4eaa-b7a6-c507eec759a7}")
        .to_string();
    let like = |file: &str, fallback: &str| -> String {
        common::read(file)
            .and_then(|t| rolecall::parse(&t).ok())
            .and_then(|p| {
                p.statements
                    .iter()
                    .flat_map(|s| s.conditions.iter())
                    .find(|c| c.operator.name() == "StringLike")
                    .and_then(|c| c.values.first())
                    .map(|v| v.raw.clone())
            })
            .unwrap_or_else(|| fallback.to_string())
    };
    let repo = like(
        "corpus/policies/seed/policy-repository.json",
        "{1de489be-ce6a-42a0-a8c8-eadbf1174ac7}:*",
    );
    let env = like(
        "corpus/policies/seed/policy-environment.json",
        "{1de489be-ce6a-42a0-a8c8-eadbf1174ac7}*:{bd715740-c970-486b-b68a-b421ec2a1f8b}:*",
    );
    (sub, repo, env)
}

fn realistic() -> Vec<Case> {
    let (bb_sub, bb_repo, bb_env) = bitbucket();
    // Miss early: the repository UUID's first hex digit differs.
    let bb_other_repo = bb_repo.replacen("{1", "{0", 1);
    // Miss late: `*:{step-uuid}` with the step UUID's last digit changed.
    let last = bb_sub.rsplit(':').next().unwrap_or_default();
    let bb_late = format!("*:{}", last.replacen("a7}", "a8}", 1));
    let gh = "repo:octo-org/octo-repo:ref:refs/heads/main";
    let gh_p = "repo:octo-org/*:ref:refs/heads/*";
    let gl = "project_path:mygroup/app:ref_type:branch:ref:main";
    let gl_p = "project_path:mygroup/*:ref_type:branch:ref:main";
    let eks = "system:serviceaccount:payments:invoice-reader";
    let eks_p = "system:serviceaccount:payments:*";
    vec![
        Case::new("bb_match", &bb_repo, &bb_sub, true),
        Case::new("bb_env_match", &bb_env, &bb_sub, true),
        Case::new("bb_miss_early", &bb_other_repo, &bb_sub, false),
        Case::new("bb_miss_late", &bb_late, &bb_sub, false),
        Case::new("gh_match", gh_p, gh, true),
        Case::new(
            "gh_miss_org",
            gh_p,
            "repo:evil-org/octo-repo:ref:refs/heads/main",
            false,
        ),
        Case::new(
            "gh_miss_pr",
            gh_p,
            "repo:octo-org/octo-repo:pull_request",
            false,
        ),
        Case::new("gl_match", gl_p, gl, true),
        Case::new(
            "gl_miss_ref",
            gl_p,
            "project_path:mygroup/app:ref_type:branch:ref:feature",
            false,
        ),
        Case::new("eks_match", eks_p, eks, true),
        Case::new(
            "eks_miss_ns",
            eks_p,
            "system:serviceaccount:default:invoice-reader",
            false,
        ),
    ]
}

/// Pathological inputs, each at 1k, 10k and 100k bytes of text.
/// - `classic`: `*a*a*a*a*a*a*b` on `a`×n. rolecall rejects at once: the pattern must end in
///   `b` and the text does not (the suffix shortcut).
/// - `scan_memmem`: `*a*a*a*a*a*a*ab*` on `a`×n + `b`. The trailing `*` removes the suffix
///   anchor, and the segment `ab` occurs only at the very end, so rolecall's memmem placement
///   scans the whole text, then matches.
/// - `scan_question`: `*a*a*a*a*a*a?b*` on `a`×n. The segment `a?b` holds a `?`, so it is
///   placed by trying every start position: the O(pattern × text) path. No match.
fn pathological() -> Vec<(String, &'static str, String, bool)> {
    let mut out = Vec::new();
    for n in [1_000usize, 10_000, 100_000] {
        let a = "a".repeat(n);
        out.push((format!("classic/{n}"), "*a*a*a*a*a*a*b", a.clone(), false));
        out.push((
            format!("scan_memmem/{n}"),
            "*a*a*a*a*a*a*ab*",
            format!("{a}b"),
            true,
        ));
        out.push((format!("scan_question/{n}"), "*a*a*a*a*a*a?b*", a, false));
    }
    out
}

/// Check every peer's answer once; a disagreement is printed, not hidden.
fn agreement(name: &str, c: &Compiled, value: &str, expect: bool) -> Vec<&'static str> {
    let mut wrong = Vec::new();
    for (peer, got) in c.answers(value) {
        if got != expect {
            eprintln!("note: {peer} answers {got} on {name}, IAM answers {expect}");
            wrong.push(peer);
        }
    }
    wrong
}

fn bench_group(c: &mut Criterion, group: &str, name: &str, comp: &Compiled, value: &str) {
    let mut g = c.benchmark_group(format!("{group}/{name}"));
    g.throughput(Throughput::Bytes(value.len() as u64));
    g.bench_with_input(BenchmarkId::from_parameter("rolecall"), value, |b, v| {
        b.iter(|| comp.ours.is_match(black_box(v)))
    });
    g.bench_with_input(BenchmarkId::from_parameter("wildmatch"), value, |b, v| {
        b.iter(|| comp.wild.matches(black_box(v)))
    });
    g.bench_with_input(BenchmarkId::from_parameter("regex"), value, |b, v| {
        b.iter(|| comp.re.is_match(black_box(v)))
    });
    g.bench_with_input(BenchmarkId::from_parameter("glob-match"), value, |b, v| {
        b.iter(|| glob_match::glob_match(&comp.glob, black_box(v)))
    });
    g.bench_with_input(BenchmarkId::from_parameter("memmem"), value, |b, v| {
        b.iter(|| comp.floor.find(black_box(v.as_bytes())))
    });
    g.finish();
}

fn time_all(comp: &Compiled, value: &str, batch: Duration) -> Vec<f64> {
    let mut runners = vec![
        Runner::new("rolecall", || comp.ours.is_match(black_box(value))),
        Runner::new("wildmatch", || comp.wild.matches(black_box(value))),
        Runner::new("regex", || comp.re.is_match(black_box(value))),
        Runner::new("glob-match", || {
            glob_match::glob_match(&comp.glob, black_box(value))
        }),
        Runner::new("memmem", || comp.floor.find(black_box(value.as_bytes()))),
    ];
    debug_assert_eq!(runners.len(), PEERS.len());
    medians(&mut runners, 31, batch)
}

fn main() {
    let mut c = common::criterion();
    let filter = common::filter();
    let wanted = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));

    let realistic: Vec<(Case, Compiled)> = realistic()
        .into_iter()
        .filter_map(|case| {
            let comp = Compiled::new(&case.pattern)?;
            Some((case, comp))
        })
        .collect();
    let mut disagreements = Vec::new();
    for (case, comp) in &realistic {
        for peer in agreement(&case.name, comp, &case.value, case.expect) {
            disagreements.push(format!("{peer} on {}", case.name));
        }
        bench_group(&mut c, "matcher", &case.name, comp, &case.value);
    }
    let patho: Vec<(String, &str, String, bool, Compiled)> = pathological()
        .into_iter()
        .filter_map(|(name, p, v, e)| Some((name, p, v, e, Compiled::new(p)?)))
        .collect();
    for (name, _, value, expect, comp) in &patho {
        for peer in agreement(name, comp, value, *expect) {
            disagreements.push(format!("{peer} on {name}"));
        }
        bench_group(&mut c, "pathological", name, comp, value);
    }
    c.final_summary();

    if !common::is_bench_run() {
        return;
    }

    println!(
        "\n## rolecall median / peer median (interleaved loop, 31 rounds; <1 = rolecall faster)\n"
    );
    println!("| case | pattern | rolecall | wildmatch | regex | glob-match | memmem floor |");
    println!("|---|---|---|---|---|---|---|");
    for (case, comp) in realistic.iter().filter(|(c, _)| wanted(&c.name)) {
        let m = time_all(comp, &case.value, Duration::from_micros(300));
        let ours = m.first().copied().unwrap_or(f64::NAN);
        let cells: Vec<String> = m
            .iter()
            .skip(1)
            .map(|&peer| format!("{:.2}× ({})", ours / peer, fmt_ns(peer)))
            .collect();
        println!(
            "| {} | `{}` | {} | {} |",
            case.name,
            case.pattern,
            fmt_ns(ours),
            cells.join(" | ")
        );
    }

    println!("\n## pathological: ns per input byte (interleaved loop, 31 rounds)\n");
    println!("| case | {} |", PEERS.join(" | "));
    println!("|---|{}", "---|".repeat(PEERS.len()));
    let mut per_byte: Vec<(String, Vec<f64>)> = Vec::new();
    for (name, _, value, _, comp) in patho.iter().filter(|p| wanted(&p.0)) {
        let m = time_all(comp, value, Duration::from_millis(2));
        let nb: Vec<f64> = m.iter().map(|ns| ns / value.len() as f64).collect();
        let cells: Vec<String> = nb.iter().map(|x| format!("{x:.4}")).collect();
        println!("| {name} | {} |", cells.join(" | "));
        per_byte.push((name.clone(), m));
    }
    println!("\n## pathological: time(100k) / time(1k) (linear = 100)\n");
    println!("| input | {} |", PEERS.join(" | "));
    println!("|---|{}", "---|".repeat(PEERS.len()));
    for kind in ["classic", "scan_memmem", "scan_question"] {
        let at = |n: &str| {
            per_byte
                .iter()
                .find(|(name, _)| *name == format!("{kind}/{n}"))
                .map(|(_, m)| m.clone())
        };
        if let (Some(small), Some(big)) = (at("1000"), at("100000")) {
            let cells: Vec<String> = small
                .iter()
                .zip(&big)
                .map(|(s, b)| format!("{:.0}", b / s))
                .collect();
            println!("| {kind} | {} |", cells.join(" | "));
        }
    }
    if disagreements.is_empty() {
        println!("\nEvery peer gave IAM's answer on every input above.");
    } else {
        println!("\nDisagreements with IAM: {}", disagreements.join(", "));
    }
}
