//! A condition in an Allow that holds when its claim is missing: a negated operator, an
//! `IfExists` operator, or `ForAllValues:` on a claim the token may not carry (or that AWS
//! never exposes). Tokens without the claim pass.
//!
//! A claim the provider puts in every token (`Profile::always_carries`) cannot be absent, so
//! a condition on it that AWS exposes is not reported. A claim some subjects imply
//! (`Profile::implied_by_subject`: GitHub's `environment`) is only reported with a witness whose
//! subject the provider could issue without it.

use serde_json::{Map, Value};

use crate::lint::context::{claim_of, ProviderView, StatementView};
use crate::lint::witness::{self, Target};
use crate::lint::{LintContext, Report, Rule, Severity, Witness};
use crate::policy::{Base, SetQualifier};
use crate::providers::{Part, Profile, SubForm, REQUIRED_CLAIMS};

pub const RULE: Rule = Rule {
    id: "fail-open-condition",
    summary: "a negated, `IfExists` or `ForAllValues` condition on a claim that can be absent admits tokens without it",
    severity: Severity::Error,
    doc: include_str!("../../../rules/fail-open-condition.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in ctx.statements.iter().filter(|v| v.allows_web_identity()) {
        for p in &view.providers {
            for c in view.on_provider(p) {
                let op = c.operator;
                let fails_open = op.base.is_negated()
                    || op.if_exists
                    || op.set == Some(SetQualifier::ForAllValues);
                if !fails_open || op.base == Base::Null {
                    continue;
                }
                let Some(claim) = claim_of(&c.key_lower, &p.prefix_lower) else {
                    continue;
                };
                let exposed = p.claims.exposes(&claim);
                let carried = |claim: &str| match p.profile {
                    Some(profile) => profile.always_carries(claim),
                    None => REQUIRED_CLAIMS
                        .iter()
                        .any(|r| r.eq_ignore_ascii_case(claim)),
                };
                // A key filled from another claim is present when any of its sources is.
                let always = match p.claims.filled_from(&claim) {
                    Some(sources) => sources.iter().any(|s| carried(s)),
                    None => carried(&claim),
                };
                if exposed && always {
                    continue;
                }
                // The claim as the policy writes it (keys compare ignoring ASCII case).
                let name = c.key.get(p.prefix_lower.len() + 1..).unwrap_or(&claim);
                let who = format!("a token without `{name}`");
                let w = if exposed {
                    without_claim(ctx, view, p, &claim, &who)
                } else {
                    // AWS never sees the claim, present or not: any admitted token will do.
                    witness::with_claims(ctx, view, p, &who, |claims| remove(claims, &claim))
                };
                let Some(w) = w else {
                    continue;
                };
                let why = if exposed {
                    format!("tokens without `{name}` pass it")
                } else {
                    format!(
                        "AWS never exposes `{name}` for this provider, so the key is always \
                         absent and the condition always holds"
                    )
                };
                let finding = report
                    .finding(
                        &c.operator_loc,
                        format!("`{}` on `{}` fails open: {why}", op.name(), c.key),
                    )
                    .related(c.key_loc.clone(), "this key can be absent")
                    .help(
                        "use a positive operator without `IfExists` or `ForAllValues:` \
                         (e.g. `StringEquals`), on a claim AWS exposes",
                    )
                    .witness(Some(w));
                report.push(finding);
            }
        }
    }
}

fn remove(claims: &mut Map<String, Value>, claim: &str) {
    claims.retain(|k, _| !k.eq_ignore_ascii_case(claim));
}

/// An admitted token without `claim` whose subject the provider could issue without it: not
/// one whose subject has a field that implies the claim (GitHub's `environment:` context).
fn without_claim(
    ctx: &LintContext<'_>,
    view: &StatementView<'_>,
    p: &ProviderView<'_>,
    claim: &str,
    who: &str,
) -> Option<Witness> {
    let first = witness::with_claims(ctx, view, p, who, |claims| remove(claims, claim))?;
    let Some(profile) = p.profile else {
        return Some(first);
    };
    let implying: Vec<&str> = profile.fields_implying(claim).collect();
    if implying.is_empty() {
        return Some(first);
    }
    let sub = first
        .claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or("");
    if issuable_without(profile, &implying, sub) {
        return Some(first);
    }
    // Look for an admitted subject of a form without those fields, then check the policy still
    // admits it once the claim is gone.
    let any = Target {
        any_form: true,
        ..Target::default()
    };
    let found = witness::subject_where(ctx, view, p, &any, &|cand| {
        !cand.form.fields().any(|f| implying.contains(&f.name))
    })?;
    let sub = found.claims.get("sub").cloned()?;
    witness::with_claims(ctx, view, p, who, |claims| {
        claims.insert("sub".into(), sub.clone());
        remove(claims, claim);
    })
}

/// Could some subject form without the `implying` fields render `sub`?
fn issuable_without(profile: &Profile, implying: &[&str], sub: &str) -> bool {
    profile
        .subject
        .iter()
        .filter(|form| !form.fields().any(|f| implying.contains(&f.name)))
        .any(|form| renders(form.parts, &separators(form), sub))
}

/// Does `sub` read as `parts`, each field a non-empty run without the form's separators (as
/// the witness search generates them)?
fn renders(parts: &[Part], separators: &[char], sub: &str) -> bool {
    match parts.split_first() {
        None => sub.is_empty(),
        Some((Part::Lit(lit), rest)) => sub
            .strip_prefix(lit)
            .is_some_and(|tail| renders(rest, separators, tail)),
        Some((Part::Field(field), rest)) => {
            for (i, ch) in sub.char_indices() {
                if separators.contains(&ch) && !field.example.contains(ch) {
                    return false;
                }
                let tail = sub.get(i + ch.len_utf8()..).unwrap_or("");
                if renders(rest, separators, tail) {
                    return true;
                }
            }
            false
        }
    }
}

/// The non-alphanumeric ends of a form's literals: what delimits its fields.
fn separators(form: &SubForm) -> Vec<char> {
    let mut out = Vec::new();
    for part in form.parts {
        if let Part::Lit(s) = part {
            for ch in [s.chars().next(), s.chars().last()].into_iter().flatten() {
                if !ch.is_alphanumeric() && !out.contains(&ch) {
                    out.push(ch);
                }
            }
        }
    }
    out
}
