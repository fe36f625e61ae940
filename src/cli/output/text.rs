//! Human output for `check`: a verdict line, what was checked, then the trace as diagnostics
//! pointing into the policy.

use std::fmt::Write;

use miette::Severity;
use rolecall::eval::{ActionOutcome, StatementTrace, Verdict};
use rolecall::policy::Effect;
use rolecall::request::ContextValue;
use rolecall::token::{Signature, Token};
use rolecall::CheckReport;
use serde_json::Value;

use super::condition_text;
use crate::cli::diag::Diag;
use crate::cli::load::LoadedPolicy;

pub fn check(loaded: &LoadedPolicy, report: &CheckReport, token: Option<&Token>) -> String {
    let mut out = String::new();
    let problems = report.token.as_ref().map_or(&[][..], |t| &t.problems[..]);
    match (report.verdict, problems.first()) {
        (Verdict::Allow, _) => {
            let _ = writeln!(out, "Allow: STS would issue credentials for this request");
        }
        (Verdict::Deny, Some(p)) => {
            let _ = writeln!(out, "Deny: {}: {}", p.sts_error(), p.message());
        }
        (Verdict::Deny, None) => {
            let _ = writeln!(
                out,
                "Deny: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity"
            );
        }
    }
    let _ = writeln!(out);
    if let Some(role) = &loaded.address {
        let _ = writeln!(out, "role     {role}");
    }
    let _ = writeln!(out, "caller   {}", report.request.principal);
    if let Some(t) = token {
        token_lines(&mut out, t, report);
    }
    let mut first = true;
    for (name, value) in report.request.keys() {
        let shown = match value {
            ContextValue::Single(s) => format!("{s:?}"),
            ContextValue::Multi(v) | ContextValue::Ambiguous(v) => format!("{v:?}"),
        };
        let head = if first { "request  " } else { "         " };
        first = false;
        let _ = writeln!(out, "{head}{name} = {shown}");
    }
    let _ = writeln!(out);
    for p in problems.iter().skip(1) {
        let _ = writeln!(out, "also: {}: {}", p.sts_error(), p.message());
    }
    if !problems.is_empty() {
        let _ = writeln!(
            out,
            "The policy alone would {}:\n",
            report.decision.verdict.as_str()
        );
    }
    for d in trace(loaded, report) {
        out.push_str(&d.render_for(&std::io::stdout()));
    }
    for w in &loaded.policy.warnings {
        out.push_str(
            &Diag::error("rolecall::warning", w.kind.to_string())
                .with_severity(Severity::Warning)
                .in_indexed_source(loaded.source())
                .primary(w.loc.span.clone(), "")
                .render_for(&std::io::stdout()),
        );
    }
    if report.decision.verdict == Verdict::Allow {
        let _ = writeln!(
            out,
            "note: this is the trust policy's answer; an AWS Organizations resource control \
             policy can still deny."
        );
    }
    out
}

fn token_lines(out: &mut String, t: &Token, report: &CheckReport) {
    let alg = t.header.alg.as_deref().unwrap_or("no alg");
    let kid = t
        .header
        .kid
        .as_deref()
        .map(|k| format!(", kid `{k}`"))
        .unwrap_or_default();
    let sig = match report.token.as_ref().map(|c| &c.signature) {
        Some(Signature::Verified { .. }) => "signature verified with the given JWKS".to_string(),
        Some(Signature::Invalid { reason }) => format!("signature INVALID: {reason}"),
        _ => "signature NOT verified (give --jwks FILE to verify it offline)".to_string(),
    };
    let _ = writeln!(out, "token    {alg}{kid}; {sig}");
    for (k, v) in &t.claims {
        let shown = match v {
            Value::String(s) => format!("{s:?}"),
            other => other.to_string(),
        };
        let _ = writeln!(out, "  claim  {k} = {shown}");
    }
}

/// The trace as diagnostics: the deciding statement, or why each Allow failed.
fn trace(loaded: &LoadedPolicy, report: &CheckReport) -> Vec<Diag> {
    let d = &report.decision;
    if let Some(s) = d.deciding_statement() {
        let what = match s.effect {
            Effect::Allow => "allows",
            Effect::Deny => "explicitly denies",
        };
        let actions: Vec<&str> = s
            .actions
            .iter()
            .filter(|(a, _)| s.applies_to(a))
            .map(|(a, _)| *a)
            .collect();
        let mut diags = vec![statement_diag(
            loaded,
            s,
            format!("{} {what} {}", s.name, actions.join(", ")),
            Severity::Advice,
        )];
        // An allowed main action can still be refused for a missing extra action.
        for a in d.actions.iter().skip(1) {
            if a.outcome == ActionOutcome::ImplicitDeny {
                diags.push(Diag::error(
                    "rolecall::missing-action",
                    format!(
                        "no statement allows {}, which this token requires (session tags or \
                         source identity)",
                        a.action
                    ),
                ));
            }
        }
        return diags;
    }
    let allows: Vec<&StatementTrace> = d
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
        .collect();
    if allows.is_empty() {
        return vec![Diag::error(
            "rolecall::no-allow",
            "the policy has no Allow statement: everything is implicitly denied",
        )];
    }
    let shown = crate::cli::load::MAX_ERRORS_SHOWN;
    let mut diags: Vec<Diag> = allows
        .iter()
        .take(shown)
        .map(|s| {
            statement_diag(
                loaded,
                s,
                format!("{} does not apply", s.name),
                Severity::Error,
            )
        })
        .collect();
    if allows.len() > shown {
        diags.push(Diag::error(
            "rolecall::more-statements",
            format!(
                "{} more Allow statement(s) do not apply either (see --format json)",
                allows.len() - shown
            ),
        ));
    }
    diags
}

fn statement_diag(
    loaded: &LoadedPolicy,
    s: &StatementTrace,
    message: String,
    severity: Severity,
) -> Diag {
    let code = match s.effect {
        Effect::Allow => "rolecall::allow",
        Effect::Deny => "rolecall::deny",
    };
    let mut diag = Diag::error(code, message)
        .with_severity(severity)
        .in_indexed_source(loaded.source());
    diag = match &s.principal_match {
        Some(loc) => diag.label(loc.span.clone(), "principal matches the caller"),
        None => diag.primary(
            s.principal_loc.span.clone(),
            "no principal here is the caller's provider",
        ),
    };
    let uncovered: Vec<&str> = s
        .actions
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(a, _)| *a)
        .collect();
    diag = if uncovered.is_empty() {
        diag.label(s.action_loc.span.clone(), "covers the required actions")
    } else {
        diag.primary(
            s.action_loc.span.clone(),
            format!("does not cover {}", uncovered.join(", ")),
        )
    };
    for c in &s.conditions {
        let text = condition_text(c);
        diag = if c.holds {
            diag.label(c.key_loc.span.clone(), text)
        } else {
            diag.primary(c.key_loc.span.clone(), text)
        };
    }
    diag
}
