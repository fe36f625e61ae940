//! Runs every declarative case under `corpus/eval/` through the library and reports every
//! mismatch at once. The format is documented in `corpus/README.md`.

use std::collections::BTreeMap;
use std::path::Path;

use rolecall::check::{CheckRequest, Identity};
use rolecall::token::{self, Signature};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::common;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    description: String,
    source: Option<String>,
    policy: Option<Value>,
    policy_file: Option<String>,
    request: RequestSpec,
    expect: Expect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestSpec {
    provider: Option<String>,
    claims: Option<Map<String, Value>>,
    claims_file: Option<String>,
    token_file: Option<String>,
    jwks_file: Option<String>,
    #[serde(default)]
    audiences: Vec<String>,
    source_ip: Option<String>,
    now: Option<Value>,
    #[serde(default)]
    context: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    decision: String,
    statement: Option<String>,
    sts_error: Option<String>,
    signature: Option<String>,
}

/// What one case produced, in the corpus's own vocabulary.
struct Outcome {
    decision: String,
    statement: Option<String>,
    sts_error: Option<String>,
    signature: Option<String>,
}

const DEFAULT_NOW: &str = "2026-01-01T00:00:00Z";

fn run_case(file: &Path, case: &Case) -> Result<Outcome, String> {
    let dir = file.parent().ok_or("case file has no folder")?;
    let read =
        |rel: &str| std::fs::read(dir.join(rel)).map_err(|e| format!("cannot read {rel}: {e}"));
    let text = match (&case.policy, &case.policy_file) {
        (Some(v), None) => serde_json::to_string_pretty(v).map_err(|e| e.to_string())?,
        (None, Some(f)) => String::from_utf8(read(f)?).map_err(|e| e.to_string())?,
        _ => return Err("exactly one of policy / policy_file".into()),
    };
    // Read as `rolecall check` reads its POLICY argument: through the source layer.
    let name = case.policy_file.as_deref().unwrap_or("inline.json");
    let chosen = rolecall::source::from_bytes(Path::new(name), text.into_bytes())
        .ok()
        .and_then(|f| rolecall::source::open(f, true).ok())
        .and_then(|src| {
            let (docs, errors) = src.documents();
            errors.is_empty().then_some(docs)
        })
        .and_then(|docs| rolecall::source::select(name, docs, None).ok());
    let Some(Ok(policy)) = chosen.map(|d| d.policy) else {
        return Ok(Outcome {
            decision: "Invalid".into(),
            statement: None,
            sts_error: None,
            signature: None,
        });
    };
    let r = &case.request;
    let now = match &r.now {
        None => rolecall::timestamp::parse(DEFAULT_NOW),
        Some(Value::String(s)) => rolecall::timestamp::parse(s),
        Some(Value::Number(n)) => rolecall::timestamp::parse(&n.to_string()),
        Some(other) => return Err(format!("bad now {other}")),
    }
    .ok_or("unparseable now")?;
    let jwks = match &r.jwks_file {
        Some(f) => Some(token::parse_jwks(&read(f)?).map_err(|e| e.to_string())?),
        None => None,
    };
    let token = match (&r.claims, &r.claims_file, &r.token_file) {
        (_, _, Some(f)) => Some(token::decode(&read(f)?).map_err(|e| e.to_string())?),
        _ => None,
    };
    let claims = match (&r.claims, &r.claims_file, &token) {
        (Some(c), None, None) => Some(c.clone()),
        (None, Some(f), None) => match serde_json::from_slice(&read(f)?) {
            Ok(Value::Object(m)) => Some(m),
            _ => return Err(format!("{f} is not a claims object")),
        },
        (None, None, Some(_)) => None,
        _ => return Err("exactly one of claims / claims_file / token_file".into()),
    };
    let identity = match (&token, &claims) {
        (Some(t), _) => Identity::Token {
            token: t,
            jwks: jwks.as_ref(),
            audiences: &r.audiences,
        },
        (None, Some(c)) => Identity::Claims(c),
        (None, None) => return Err("no identity".into()),
    };
    let source_ip = match &r.source_ip {
        Some(s) => Some(rolecall::check::parse_source_ip(s).map_err(|e| e.to_string())?),
        None => None,
    };
    let context: Vec<(String, String)> = r.context.clone().into_iter().collect();
    // The same front door as `rolecall check`.
    let report = rolecall::check::run(&CheckRequest {
        policy: &policy,
        identity,
        provider: r.provider.as_deref(),
        source_ip,
        now,
        context: &context,
    })
    .map_err(|e| e.to_string())?;
    let signature = report.token.as_ref().map(|t| {
        match t.signature {
            Signature::NotChecked => "not-checked",
            Signature::Verified { .. } => "verified",
            Signature::Invalid { .. } => "invalid",
        }
        .to_string()
    });
    Ok(Outcome {
        decision: report.verdict.as_str().into(),
        statement: report.decision.deciding_statement().map(|s| s.name.clone()),
        sts_error: report
            .token
            .as_ref()
            .and_then(|t| t.problems.first())
            .map(|p| p.sts_error().to_string()),
        signature,
    })
}

fn compare(case: &Case, got: &Outcome) -> Vec<String> {
    let mut diffs = Vec::new();
    let e = &case.expect;
    if e.decision != got.decision {
        diffs.push(format!(
            "decision: expected {}, got {}",
            e.decision, got.decision
        ));
    }
    let optional = [
        ("statement", &e.statement, &got.statement),
        ("sts_error", &e.sts_error, &got.sts_error),
        ("signature", &e.signature, &got.signature),
    ];
    for (name, want, have) in optional {
        if want.is_some() && want != have {
            diffs.push(format!("{name}: expected {want:?}, got {have:?}"));
        }
    }
    diffs
}

#[test]
fn every_corpus_case_matches() {
    let root = common::path("corpus/eval");
    let files = common::files(&root, ".json");
    let mut ran = 0;
    let mut failures = Vec::new();
    for file in &files {
        let rel = file
            .strip_prefix(common::repo())
            .unwrap_or(file)
            .display()
            .to_string();
        let text = std::fs::read_to_string(file).expect("read case");
        let case: Case = match serde_json::from_str(&text) {
            Ok(c) => c,
            Err(e) => {
                failures.push(format!("{rel}: not a valid case: {e}"));
                continue;
            }
        };
        assert!(!case.description.is_empty(), "{rel}: empty description");
        let _ = &case.source;
        match run_case(file, &case) {
            Ok(got) => {
                ran += 1;
                for d in compare(&case, &got) {
                    failures.push(format!("{rel}: {d}"));
                }
            }
            Err(e) => failures.push(format!("{rel}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} corpus cases failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    assert_eq!(ran, files.len(), "fewer cases ran than exist");
    println!("corpus: {ran} cases passed");
}

#[test]
fn every_semantics_vector_is_a_case() {
    // The reference has 79 vectors; each is one file under corpus/eval/semantics/.
    let n = common::files(&common::path("corpus/eval/semantics"), ".json").len();
    assert_eq!(n, 79, "expected one corpus case per semantics vector");
}
