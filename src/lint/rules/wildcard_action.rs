//! An Allow for a web identity provider whose `Action` is `*`, `sts:*` or another wildcard
//! that also covers `sts:TagSession` and `sts:SetSourceIdentity`: the token may then set its
//! own session tags or source identity, which permission policies downstream may trust.

use crate::lint::{LintContext, Report, Rule, Severity};
use crate::policy::Effect;
use crate::request::{ASSUME_ROLE_WITH_WEB_IDENTITY, SET_SOURCE_IDENTITY, TAG_SESSION};

pub const RULE: Rule = Rule {
    id: "wildcard-action",
    summary: "a wildcard `Action` also grants session tagging and source identity to the token",
    severity: Severity::Warning,
    doc: include_str!("../../../rules/wildcard-action.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in &ctx.statements {
        let s = view.statement;
        if s.effect != Effect::Allow || s.action.negated || view.providers.is_empty() {
            continue;
        }
        let Some(pattern) = s.action.covers(ASSUME_ROLE_WITH_WEB_IDENTITY) else {
            continue;
        };
        if !pattern.raw.contains(['*', '?']) {
            continue;
        }
        let extra: Vec<&str> = [TAG_SESSION, SET_SOURCE_IDENTITY]
            .into_iter()
            .filter(|a| s.action.covers(a).is_some())
            .collect();
        if extra.is_empty() {
            continue;
        }
        let finding = report
            .finding(
                &pattern.loc,
                format!(
                    "`{}` also grants {}: the token can set its own session tags or source \
                     identity",
                    pattern.raw,
                    extra.join(" and ")
                ),
            )
            .help(format!(
                "name the action: `\"Action\": \"{ASSUME_ROLE_WITH_WEB_IDENTITY}\"` (add \
                 `{TAG_SESSION}` only if the tokens must carry session tags)"
            ));
        let finding = super::with_model_answer(finding, super::self_tagging_witness(ctx, view));
        report.push(finding);
    }
}
