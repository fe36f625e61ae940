//! Under Version 2012-10-17, a `${key}` in a condition value whose key can never be in the
//! request (not an `aws:`/`sts:` key, not a claim AWS exposes for the statement's providers)
//! and that has no default. Typically a Bitbucket UUID whose braces met a stray `$` in
//! templating: `${8d4f...}:*`. Such a value never matches under a positive operator and never
//! excludes under a negated one (semantics R4.6).

use serde_json::Value;

use super::key_prefix_mismatch::known_prefix;
use super::unexposed_claim_condition::{on_absent, OnAbsent};
use crate::lint::context::{claim_of, ProviderView, StatementView};
use crate::lint::model_token::{token_where, Query};
use crate::lint::{LintContext, Report, Rule, Severity, Witness};
use crate::model;
use crate::pattern::{Matcher, Token};
use crate::policy::{Base, Condition, Effect, Piece, SetQualifier, Typed, VarRef};
use crate::request::ClaimSet;

pub const RULE: Rule = Rule {
    id: "unresolvable-policy-variable",
    summary: "a `${...}` policy variable names a key that is never in the request: the value never matches",
    severity: Severity::Warning,
    doc: include_str!("../../../rules/unresolvable-policy-variable.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

/// Keys that are multivalued, so a variable cannot use them (R4.5).
const MULTIVALUED: &[&str] = &["aws:tagkeys", "sts:transitivetagkeys"];

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    if !ctx.policy.version.has_variables() {
        return;
    }
    for view in &ctx.statements {
        for c in &view.statement.conditions {
            for v in &c.values {
                let pieces = match &v.typed {
                    Typed::String(p) => &p.pieces,
                    Typed::Arn(p) => &p.pieces,
                    _ => continue,
                };
                let Some(var) = pieces.iter().find_map(|piece| match piece {
                    Piece::Var(var) if var.default.is_none() && !resolvable(view, var) => Some(var),
                    _ => None,
                }) else {
                    continue;
                };
                let negated = c.operator.base.is_negated();
                let outcome = if negated {
                    "excludes nothing"
                } else {
                    "never matches"
                };
                let message = format!(
                    "`${{{key}}}` names a key that is never in the request, so under `{op}` this \
                     value {outcome}",
                    key = var.key,
                    op = c.operator.name(),
                );
                let help = format!(
                    "if `{{{key}}}` is literal text (a Bitbucket UUID), drop the `$`; a policy \
                     variable must name a condition key of the request",
                    key = var.key
                );
                let mut finding = report
                    .finding(&v.loc, message)
                    .related(c.key_loc.clone(), "the condition")
                    .help(help);
                if negated && view.statement.effect == Effect::Allow && !reported_elsewhere(view, c)
                {
                    let who = format!("a token the value `{}` was meant to exclude", v.raw);
                    let mut refused = None;
                    let w = view.providers.iter().find_map(|p| {
                        demonstrate(ctx, view, p, c, pieces, &who)
                            .map_err(|why| refused = Some(why))
                            .ok()
                            .flatten()
                    });
                    if w.is_some() {
                        finding.severity = Severity::Error;
                        finding = finding.witness(w);
                    } else if let Some(why) = refused {
                        finding.message = format!(
                            "{}; {}",
                            finding.message,
                            crate::lint::model_token::unconfirmed(&why)
                        );
                    }
                }
                report.push(finding);
            }
        }
    }
}

/// Can the variable's key have a single value in a request this statement admits?
fn resolvable(view: &StatementView<'_>, var: &VarRef) -> bool {
    let Some((prefix, claim)) = var.key_lower.split_once(':') else {
        return false;
    };
    if claim == "amr" || MULTIVALUED.contains(&var.key_lower.as_str()) {
        return false;
    }
    if prefix == "aws" || prefix == "sts" {
        return true;
    }
    let mut own = view.providers.iter().filter(|p| p.prefix_lower == prefix);
    match known_prefix(view, prefix) {
        None => ClaimSet::of(prefix).exposes(claim),
        Some(false) => false,
        // A provider's claim must be exposed; other known prefixes (`iam`, `saml`) may resolve.
        Some(true) => match own.next() {
            Some(first) => first.claims.exposes(claim) || own.any(|p| p.claims.exposes(claim)),
            None => true,
        },
    }
}

/// Would `fail-open-condition` or `key-prefix-mismatch` already report this condition as
/// failing open?
fn reported_elsewhere(view: &StatementView<'_>, c: &Condition) -> bool {
    let op = c.operator;
    let fails_open =
        op.base.is_negated() || op.if_exists || op.set == Some(SetQualifier::ForAllValues);
    let on_claim = view.providers.iter().any(|p| {
        claim_of(&c.key_lower, &p.prefix_lower).is_some_and(|claim| {
            let listed = p.claims.exposes(&claim);
            !(listed && (claim == "sub" || claim == "aud"))
        })
    });
    let prefix = c.key_lower.split_once(':').map_or("", |(p, _)| p);
    (fails_open && op.base != Base::Null && on_claim)
        || (!view.providers.is_empty()
            && known_prefix(view, prefix) == Some(false)
            && on_absent(c) == OnAbsent::AlwaysHolds)
}

/// A witness holding the value the author most likely meant to exclude (each variable read as
/// braced literal text), or else any token the statement admits.
fn demonstrate(
    ctx: &LintContext<'_>,
    view: &StatementView<'_>,
    p: &ProviderView<'_>,
    c: &Condition,
    pieces: &[Piece],
    who: &str,
) -> Result<Option<Witness>, crate::lint::model_token::Refusal> {
    let meant: Vec<Token> = pieces
        .iter()
        .map(|piece| match piece {
            Piece::Token(t) => t.clone(),
            Piece::Var(v) => Token::Literal(format!("{{{}}}", v.key)),
        })
        .collect();
    let sub_of = |w: &model::Witness| {
        w.claims
            .get("sub")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_default()
    };
    let any = Query::any(who);
    let shown = match claim_of(&c.key_lower, &p.prefix_lower) {
        Some(claim) if claim == "sub" => {
            // An identity the model renders whose `sub` is the value read literally.
            let matcher = Matcher::from_tokens(&meant);
            let meant_sub = |w: &model::Witness| matcher.is_match(&sub_of(w));
            token_where(ctx, view, p, &Query::any(who).accept(&meant_sub))
                .ok()
                .flatten()
        }
        Some(claim) => {
            let text: String = meant
                .iter()
                .map(|t| match t {
                    Token::Literal(s) => s.as_str(),
                    Token::Star => "",
                    Token::Question => "x",
                })
                .collect();
            let set = |claims: &mut serde_json::Map<String, Value>| {
                claims.insert(claim.clone(), Value::String(text.clone()));
            };
            token_where(ctx, view, p, &Query::any(who).edit(&set))
                .ok()
                .flatten()
        }
        None => None,
    };
    // Otherwise any token the statement admits: the value excludes nobody.
    match shown {
        Some(w) => Ok(Some(w)),
        None => token_where(ctx, view, p, &any),
    }
}
