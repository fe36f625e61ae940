//! `ForAllValues:` or `ForAnyValue:` on a provider's `sub` or `aud`, keys that hold one value
//! (Access Analyzer's "ForAllValues with single valued key" security warning). `ForAllValues`
//! also holds when the key is absent, and the qualifier suggests an AND across values that set
//! operators do not give. Audiences that can be lists (Bitbucket custom audiences, env0, unknown
//! providers) and Cognito `amr` are left alone; on claims that can be absent, `ForAllValues` is
//! `fail-open-condition`'s.

use serde_json::{Map, Value};

use crate::lint::context::{claim_of, ProviderView};
use crate::lint::{LintContext, Report, Rule, Severity};
use crate::policy::SetQualifier;
use crate::request::{ClaimSet, ASSUME_ROLE_WITH_WEB_IDENTITY};

pub const RULE: Rule = Rule {
    id: "set-operator-on-single-valued-key",
    summary: "`ForAllValues:`/`ForAnyValue:` on `sub` or `aud`, which hold one value (a note for `ForAnyValue:`, which fails closed)",
    severity: Severity::Warning,
    doc: include_str!("../../../rules/set-operator-on-single-valued-key.md"),
    check,
    fix: crate::lint::fix::Fix::Auto(crate::lint::fix::set_operator_on_single_valued_key),
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in &ctx.statements {
        if !view
            .statement
            .action
            .applies_to(ASSUME_ROLE_WITH_WEB_IDENTITY)
        {
            continue;
        }
        for p in &view.providers {
            for c in view.on_provider(p) {
                let Some(set) = c.operator.set else { continue };
                let Some(claim) = claim_of(&c.key_lower, &p.prefix_lower) else {
                    continue;
                };
                // Unexposed keys are always absent: `fail-open-condition` and
                // `unexposed-claim-condition` speak for those.
                let listed = p.claims.exposes(&claim);
                let single = claim == "sub" || (claim == "aud" && !aud_may_be_list(p));
                if !listed || !single {
                    continue;
                }
                let why = match set {
                    SetQualifier::ForAllValues => {
                        "it holds for any value in the list, and also when the key is absent"
                    }
                    SetQualifier::ForAnyValue => "it means no more than the plain operator",
                };
                let plain = crate::policy::Operator {
                    set: None,
                    ..c.operator
                }
                .name();
                let mut finding = report
                    .finding(
                        &c.operator_loc,
                        format!(
                            "`{}` on `{}`, which holds a single value: {why}",
                            c.operator.name(),
                            c.key
                        ),
                    )
                    .related(c.key_loc.clone(), "a single-valued key")
                    .help(format!(
                        "use `{plain}`: its values are alternatives already; to require two \
                         things, use two keys or two operators"
                    ));
                // `ForAnyValue:` on one value is the plain operator: it fails closed, so it is
                // hygiene. `ForAllValues:` also holds with the key absent.
                if set == SetQualifier::ForAnyValue {
                    finding.severity = Severity::Note;
                }
                report.push(finding);
            }
        }
    }
}

/// Can the provider's `aud` be a list? Bitbucket custom audiences are; so are tokens whose
/// example carries a list, and any provider without a profile.
fn aud_may_be_list(p: &ProviderView<'_>) -> bool {
    if p.claims == ClaimSet::Bitbucket || (p.claims == ClaimSet::Generic && p.profile.is_none()) {
        return true;
    }
    p.profile
        .and_then(|pr| serde_json::from_str::<Map<String, Value>>(pr.example_claims).ok())
        .is_some_and(|claims| matches!(claims.get("aud"), Some(Value::Array(_))))
}
