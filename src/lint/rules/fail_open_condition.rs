//! A condition in an Allow that holds when its claim is missing: a negated operator, an
//! `IfExists` operator, or `ForAllValues:` on a claim the token may not carry (or that AWS
//! never exposes). Tokens without the claim pass.
//!
//! A claim the provider puts in every token (`Profile::always_carries`) cannot be absent, so
//! a condition on it that AWS exposes is not reported. The witness is a token the model renders
//! without the claim (an identity whose form lacks it, or whose optional field it is absent
//! from), so its subject is one the provider issues without it (GitHub's `environment` only in
//! environment jobs); where the model cannot answer, the finding stays without a witness.

use serde_json::{Map, Value};

use crate::lint::context::claim_of;
use crate::lint::model_token::{token_where, unconfirmed, Query};
use crate::lint::{LintContext, Report, Rule, Severity};
use crate::model;
use crate::policy::{Base, SetQualifier};
use crate::providers::REQUIRED_CLAIMS;

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
                // The key is absent when the claim and every claim that fills it are.
                let sources: Vec<&str> = p
                    .claims
                    .filled_from(&claim)
                    .map_or_else(|| vec![claim.as_str()], <[&str]>::to_vec);
                let lacks = |w: &model::Witness| {
                    !w.claims
                        .keys()
                        .any(|k| sources.iter().any(|s| k.eq_ignore_ascii_case(s)))
                };
                let drop = |claims: &mut Map<String, Value>| remove(claims, &claim);
                let found = if exposed {
                    token_where(ctx, view, p, &Query::any(&who).accept(&lacks))
                } else {
                    // AWS never sees the claim, present or not: any admitted token will do,
                    // shown without it.
                    token_where(ctx, view, p, &Query::any(&who).edit(&drop))
                };
                let (w, note) = match found {
                    Ok(Some(w)) => (Some(w), String::new()),
                    Ok(None) => continue,
                    Err(why) => (None, format!("; {}", unconfirmed(&why))),
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
                        format!("`{}` on `{}` fails open: {why}{note}", op.name(), c.key),
                    )
                    .related(c.key_loc.clone(), "this key can be absent")
                    .help(
                        "use a positive operator without `IfExists` or `ForAllValues:` \
                         (e.g. `StringEquals`), on a claim AWS exposes",
                    )
                    .witness(w);
                report.push(finding);
            }
        }
    }
}

fn remove(claims: &mut Map<String, Value>, claim: &str) {
    claims.retain(|k, _| !k.eq_ignore_ascii_case(claim));
}
