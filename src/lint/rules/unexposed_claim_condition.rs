//! A positive condition on `<prefix>:<claim>` where AWS does not turn that claim into a
//! condition key for the provider (Bitbucket `repositoryUuid`, GitHub `repository_owner`): the
//! key is always absent, so the condition never matches and the statement never applies. The
//! fail-open forms of the same mistake are `fail-open-condition`'s.

use crate::lint::context::{claim_of, ProviderView};
use crate::lint::{LintContext, Report, Rule, Severity};
use crate::policy::{Base, Condition, Effect, SetQualifier, Typed};
use crate::request::{ClaimSet, ASSUME_ROLE_WITH_WEB_IDENTITY};

pub const RULE: Rule = Rule {
    id: "unexposed-claim-condition",
    summary: "a condition on a claim AWS does not expose for the provider never matches",
    severity: Severity::Warning,
    doc: include_str!("../../../rules/unexposed-claim-condition.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

/// What a condition does when its key is not in the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnAbsent {
    /// Positive operators, `ForAnyValue:`, `Null` with `false`.
    NeverMatches,
    /// Negated operators, `...IfExists`, `ForAllValues:`, `Null` with `true`.
    AlwaysHolds,
}

/// How a condition behaves on a missing key (semantics R3.3 to R3.7).
pub(crate) fn on_absent(c: &Condition) -> OnAbsent {
    let op = c.operator;
    if op.base == Base::Null {
        let wants_absent = c
            .values
            .iter()
            .any(|v| matches!(v.typed, Typed::Null(Some(true))));
        return match op.set {
            Some(SetQualifier::ForAllValues) => OnAbsent::AlwaysHolds,
            Some(SetQualifier::ForAnyValue) => OnAbsent::NeverMatches,
            None if wants_absent => OnAbsent::AlwaysHolds,
            None => OnAbsent::NeverMatches,
        };
    }
    if op.if_exists || op.base.is_negated() || op.set == Some(SetQualifier::ForAllValues) {
        OnAbsent::AlwaysHolds
    } else {
        OnAbsent::NeverMatches
    }
}

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in &ctx.statements {
        let s = view.statement;
        if !s.action.applies_to(ASSUME_ROLE_WITH_WEB_IDENTITY) {
            continue;
        }
        for p in &view.providers {
            for c in view.on_provider(p) {
                let Some(claim) = claim_of(&c.key_lower, &p.prefix_lower) else {
                    continue;
                };
                if p.claims.exposes(&claim) || on_absent(c) != OnAbsent::NeverMatches {
                    continue;
                }
                // The claim as written (keys compare case-insensitively, claims do not).
                let claim = c.key.get(p.prefix.len() + 1..).unwrap_or(&claim);
                let name = p.profile.map_or("this provider", |pr| pr.name);
                let outcome = match s.effect {
                    Effect::Allow => "the statement never applies",
                    Effect::Deny => "this Deny never applies",
                };
                let keys: Vec<String> = exposed_list(p).iter().map(|k| format!("`{k}`")).collect();
                let finding = report
                    .finding(
                        &c.key_loc,
                        format!(
                            "AWS does not expose `{claim}` as a condition key for {name}: \
                             `{}` is never in the request, so `{}` never matches and {outcome}",
                            c.key,
                            c.operator.name()
                        ),
                    )
                    .related(p.entry_loc.clone(), "the provider")
                    .help(format!(
                        "express the restriction through a key AWS exposes for this provider \
                         ({}), usually `sub`",
                        keys.join(", ")
                    ));
                report.push(finding);
            }
        }
    }
}

fn exposed_list(p: &ProviderView<'_>) -> Vec<&'static str> {
    let mut keys = p.claims.exposed().to_vec();
    if p.claims == ClaimSet::Google {
        keys.extend(["aud", "oaud"]);
    }
    keys
}
