//! `check --format json`: a stable, versioned object.

use rolecall::eval::{ActionOutcome, ConditionTrace, Reason, StatementTrace};
use rolecall::policy::Loc;
use rolecall::request::ContextValue;
use rolecall::token::{Signature, Token};
use rolecall::CheckReport;
use serde_json::{json, Map, Value};

use super::condition_text;
use crate::cli::load::LoadedPolicy;

/// Bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

pub fn check(loaded: &LoadedPolicy, report: &CheckReport, token: Option<&Token>) -> String {
    let d = &report.decision;
    let at = |l: &Loc| location(loaded, l);
    let request: Map<String, Value> = report
        .request
        .keys()
        .map(|(k, v)| {
            let v = match v {
                ContextValue::Single(s) => json!(s),
                ContextValue::Multi(m) | ContextValue::Ambiguous(m) => json!(m),
            };
            (k.to_string(), v)
        })
        .collect();
    let token_json = match (token, &report.token) {
        (Some(t), Some(checks)) => json!({
            "header": {"alg": t.header.alg, "kid": t.header.kid, "typ": t.header.typ},
            "claims": t.claims,
            "signature": match &checks.signature {
                Signature::NotChecked => json!({"status": "not-checked"}),
                Signature::Verified { kid } => json!({"status": "verified", "kid": kid}),
                Signature::Invalid { reason } => json!({"status": "invalid", "reason": reason}),
            },
            "problems": checks.problems.iter().map(|p| json!({
                "sts_error": p.sts_error(),
                "message": p.message(),
            })).collect::<Vec<_>>(),
        }),
        _ => Value::Null,
    };
    let doc = json!({
        "version": SCHEMA_VERSION,
        "decision": report.verdict.as_str(),
        "policy_decision": d.verdict.as_str(),
        "sts_error": match report.token.as_ref().and_then(|t| t.problems.first()) {
            Some(p) => json!(p.sts_error()),
            None if report.verdict == rolecall::Verdict::Deny => json!("AccessDenied"),
            None => Value::Null,
        },
        "caller": report.request.principal,
        "deciding_statement": d.deciding_statement().map(|s| json!({
            "index": s.index,
            "sid": sid(s),
            "effect": s.effect.as_str(),
            "location": at(&s.loc),
        })),
        "actions": d.actions.iter().map(|a| {
            let (outcome, by) = match a.outcome {
                ActionOutcome::Allowed { by } => ("allowed", Some(by)),
                ActionOutcome::ExplicitDeny { by } => ("explicit-deny", Some(by)),
                ActionOutcome::ImplicitDeny => ("implicit-deny", None),
            };
            json!({"action": a.action, "outcome": outcome, "statement": by})
        }).collect::<Vec<_>>(),
        "statements": d.statements.iter().map(|s| json!({
            "index": s.index,
            "sid": sid(s),
            "effect": s.effect.as_str(),
            "location": at(&s.loc),
            "principal_matched": s.principal_match.is_some(),
            "actions": s.actions.iter().map(|(a, ok)| json!({"action": a, "covered": ok})).collect::<Vec<_>>(),
            "conditions_hold": s.conditions_hold,
            "conditions": s.conditions.iter().map(|c| condition(c, &at)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "request": request,
        "token": token_json,
        "warnings": loaded.policy.warnings.iter().map(|w| json!({
            "message": w.kind.to_string(),
            "location": at(&w.loc),
        })).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

fn sid(s: &StatementTrace) -> Value {
    if s.name.starts_with("statement ") {
        Value::Null
    } else {
        json!(s.name)
    }
}

fn location(loaded: &LoadedPolicy, l: &Loc) -> Value {
    let (line, column) = loaded.lines.line_col(&loaded.text, l.span.start);
    json!({
        "file": loaded.name,
        "role": loaded.address,
        "pointer": l.pointer,
        "line": line,
        "column": column,
        "span": [l.span.start, l.span.end],
    })
}

fn condition(c: &ConditionTrace, at: &dyn Fn(&Loc) -> Value) -> Value {
    let reason = match &c.reason {
        Reason::Matched { .. } => "matched",
        Reason::NoneMatched => "none-matched",
        Reason::ExcludedMatched { .. } => "excluded-matched",
        Reason::NoneExcluded => "none-excluded",
        Reason::KeyAbsent => "key-absent",
        Reason::AbsentIfExists => "absent-if-exists",
        Reason::NullCheck { .. } => "null-check",
        Reason::AllValuesPassed { .. } => "all-values-passed",
        Reason::ValueFailed { .. } => "value-failed",
        Reason::AnyValuePassed { .. } => "any-value-passed",
        Reason::NoValuePassed { .. } => "no-value-passed",
        Reason::MultivaluedUnderPlainOperator => "multivalued-under-plain-operator",
    };
    let matched = match &c.reason {
        Reason::Matched { value, .. } | Reason::ExcludedMatched { value, .. } => json!(value),
        _ => Value::Null,
    };
    json!({
        "operator": c.operator,
        "key": c.key,
        "location": at(&c.key_loc),
        "request": c.request,
        "holds": c.holds,
        "reason": reason,
        "matched_value": matched,
        "explanation": condition_text(c),
        "undocumented": c.undocumented,
    })
}
