//! A condition key whose prefix (before `:`) is neither a global one (`aws`, `sts`, `iam`) nor
//! the prefix of a provider the statement trusts: a typo, the wrong enterprise slug, the issuer
//! host instead of its path, a trailing `/` too many. The key is never in the request, so a
//! positive condition never matches, and a negated, `IfExists` or `ForAllValues` one always
//! holds (fails open).

use serde_json::Value;

use super::unexposed_claim_condition::{on_absent, OnAbsent};
use crate::lint::context::StatementView;
use crate::lint::model_token::{token_where, unconfirmed, Query};
use crate::lint::{LintContext, Report, Rule, Severity};
use crate::policy::{Effect, Principal, PrincipalKind, Typed};
use crate::request::ASSUME_ROLE_WITH_WEB_IDENTITY;

pub const RULE: Rule = Rule {
    id: "key-prefix-mismatch",
    summary: "a condition key's prefix names no provider of the statement: the key is never in the request",
    severity: Severity::Warning,
    doc: include_str!("../../../rules/key-prefix-mismatch.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

/// Prefixes of keys that are not token claims.
const GLOBAL: &[&str] = &["aws", "sts", "iam"];

/// Can a key with this (lowercased) prefix be in a request this statement admits? `None` when
/// the statement admits every caller, so any prefix can.
pub(crate) fn known_prefix(view: &StatementView<'_>, prefix_lower: &str) -> Option<bool> {
    let Principal::Entries(entries, _) = &view.statement.principal else {
        return None;
    };
    if entries
        .iter()
        .any(|e| e.kind == PrincipalKind::Aws && e.value == "*")
    {
        return None;
    }
    let saml = entries
        .iter()
        .any(|e| e.kind == PrincipalKind::Federated && e.value.contains(":saml-provider/"));
    Some(
        GLOBAL.contains(&prefix_lower)
            || (saml && prefix_lower == "saml")
            || view
                .providers
                .iter()
                .any(|p| p.prefix_lower == prefix_lower),
    )
}

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in &ctx.statements {
        let s = view.statement;
        if view.providers.is_empty() || !s.action.applies_to(ASSUME_ROLE_WITH_WEB_IDENTITY) {
            continue;
        }
        for c in &s.conditions {
            let (prefix, claim) = c.key_lower.split_once(':').unwrap_or(("", &c.key_lower));
            if known_prefix(view, prefix) != Some(false) {
                continue;
            }
            let nearest = view
                .providers
                .iter()
                .max_by_key(|p| common_prefix(&p.prefix_lower, prefix))
                .map(|p| p.prefix);
            let help = match nearest {
                Some(n) => format!(
                    "write the key with the provider's exact prefix, `{n}:{claim}`: the \
                     provider URL without `https://`, same path, no trailing `/`"
                ),
                None => "use the provider's prefix: its URL without `https://`".to_string(),
            };
            let absent = on_absent(c);
            let mut finding = report
                .finding(
                    &c.key_loc,
                    match (absent, s.effect) {
                        (OnAbsent::NeverMatches, Effect::Allow) => format!(
                            "`{}` names no provider of this statement: the key is never in the \
                             request, so `{}` never matches and the statement never applies",
                            c.key,
                            c.operator.name()
                        ),
                        (OnAbsent::NeverMatches, Effect::Deny) => format!(
                            "`{}` names no provider of this statement: the key is never in the \
                             request, so this Deny never applies",
                            c.key
                        ),
                        (OnAbsent::AlwaysHolds, _) => format!(
                            "`{}` names no provider of this statement: the key is never in the \
                             request, so `{}` always holds and checks nothing",
                            c.key,
                            c.operator.name()
                        ),
                    },
                )
                .help(help);
            if let Some(p) = view.providers.first() {
                finding = finding.related(p.entry_loc.clone(), "the provider");
            }
            if absent == OnAbsent::AlwaysHolds && s.effect == Effect::Allow {
                // Show the value a negated condition meant to keep out getting in.
                let negated = c.operator.base.is_negated();
                let excluded = c
                    .values
                    .iter()
                    .filter(|_| negated)
                    .find_map(|v| match &v.typed {
                        Typed::String(p) if p.compiled.as_ref().is_some_and(|m| m.is_exact()) => {
                            Some(v.raw.clone())
                        }
                        _ => None,
                    });
                // The claim is no key of the provider's, so a token may carry it with any
                // value: shown with the value the negated condition meant to keep out.
                let mut refused = None;
                let witness = view.providers.iter().find_map(|p| {
                    let who = format!("a token of `{}`, which never carries `{}`", p.prefix, c.key);
                    let set = |claims: &mut serde_json::Map<String, Value>| {
                        if let Some(value) = &excluded {
                            claims.insert(claim.to_string(), Value::String(value.clone()));
                        }
                    };
                    let edited = token_where(ctx, view, p, &Query::any(&who).edit(&set));
                    let found = match edited {
                        Ok(None) if excluded.is_some() => {
                            token_where(ctx, view, p, &Query::any(&who))
                        }
                        other => other,
                    };
                    match found {
                        Ok(w) => w,
                        Err(why) => {
                            refused.get_or_insert(why);
                            None
                        }
                    }
                });
                if witness.is_some() {
                    finding.severity = Severity::Error;
                    finding = finding.witness(witness);
                } else if let Some(why) = refused {
                    finding.message = format!("{}; {}", finding.message, unconfirmed(&why));
                }
            }
            report.push(finding);
        }
    }
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}
