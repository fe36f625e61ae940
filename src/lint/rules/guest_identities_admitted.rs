//! A Cognito identity pool role with no condition on `amr`: if the pool allows guest
//! (unauthenticated) identities, they can assume the role too.

use crate::lint::context::claim_of;
use crate::lint::model_token::{token_where, unconfirmed, Query};
use crate::lint::{LintContext, Report, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "guest-identities-admitted",
    summary: "a Cognito identity pool role with no `amr` condition: guest identities can assume it",
    severity: Severity::Warning,
    doc: include_str!("../../../rules/guest-identities-admitted.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in ctx.statements.iter().filter(|v| v.allows_web_identity()) {
        for p in &view.providers {
            let Some((claim, signed_in)) = p.profile.and_then(|pr| pr.guest_guard) else {
                continue;
            };
            let guarded = view.on_provider(p).any(|c| {
                !c.operator.base.is_negated()
                    && claim_of(&c.key_lower, &p.prefix_lower)
                        .is_some_and(|k| k.eq_ignore_ascii_case(claim))
            });
            if guarded {
                continue;
            }
            // A guest identity's token is the pool's token with `amr` saying so: the evaluator
            // judges the model's token with that `amr`.
            let guest = |claims: &mut serde_json::Map<String, serde_json::Value>| {
                claims.insert(claim.to_string(), serde_json::json!(["unauthenticated"]));
            };
            let q = Query::any("a guest (unauthenticated) identity").edit(&guest);
            let (w, note) = match token_where(ctx, view, p, &q) {
                Ok(w) => (w, String::new()),
                Err(why) => (None, format!("; {}", unconfirmed(&why))),
            };
            let finding = report
                .finding(
                    p.entry_loc,
                    format!(
                        "no condition on `{}:{claim}`: if the identity pool allows guest \
                         identities, they can assume this role as well as signed-in ones{note}",
                        p.prefix
                    ),
                )
                .help(format!(
                    "add `\"ForAnyValue:StringLike\": {{ \"{}:{claim}\": \"{signed_in}\" }}` (or \
                     `unauthenticated` for the pool's guest role)",
                    p.prefix
                ))
                .witness(w);
            report.push(finding);
        }
    }
}
