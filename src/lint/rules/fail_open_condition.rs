//! A condition in an Allow that holds when its claim is missing: a negated operator, an
//! `IfExists` operator, or `ForAllValues:` on a claim the token may not carry (or that AWS
//! never exposes). Tokens without the claim pass.

use crate::lint::context::claim_of;
use crate::lint::witness;
use crate::lint::{LintContext, Report, Rule, Severity};
use crate::policy::{Base, SetQualifier};

pub const RULE: Rule = Rule {
    id: "fail-open-condition",
    summary: "a negated, `IfExists` or `ForAllValues` condition on a claim that can be absent admits tokens without it",
    severity: Severity::Error,
    doc: include_str!("../../../rules/fail-open-condition.md"),
    check,
};

/// Every OIDC token carries these, so absence cannot be exploited.
const ALWAYS_PRESENT: &[&str] = &["sub", "aud"];

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
                let exposed = p
                    .claims
                    .exposed()
                    .iter()
                    .any(|e| e.eq_ignore_ascii_case(&claim));
                if exposed && ALWAYS_PRESENT.contains(&claim.as_str()) {
                    continue;
                }
                let who = format!("a token without `{claim}`");
                let Some(w) = witness::with_claims(ctx, view, p, &who, |claims| {
                    claims.retain(|k, _| !k.eq_ignore_ascii_case(&claim));
                }) else {
                    continue;
                };
                let why = if exposed {
                    format!("tokens without `{claim}` pass it")
                } else {
                    format!(
                        "AWS never exposes `{claim}` for this provider, so the key is always \
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
