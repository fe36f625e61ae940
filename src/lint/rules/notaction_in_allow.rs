//! An Allow that uses `NotAction`: it grants every action it does not list, including
//! `sts:TagSession` and `sts:SetSourceIdentity`, so a token can set session tags or a source
//! identity that permission policies may trust. The witness is a token carrying session tags
//! (or a source identity) that the policy admits.

use crate::lint::{LintContext, Report, Rule, Severity};
use crate::policy::Effect;
use crate::request::{ASSUME_ROLE_WITH_WEB_IDENTITY, SET_SOURCE_IDENTITY, TAG_SESSION};

pub const RULE: Rule = Rule {
    id: "notaction-in-allow",
    summary:
        "`NotAction` in an Allow grants every action it does not list, session tagging included",
    severity: Severity::Warning,
    doc: include_str!("../../../rules/notaction-in-allow.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in &ctx.statements {
        let s = view.statement;
        if s.effect != Effect::Allow || !s.action.negated {
            continue;
        }
        let granted: Vec<String> = [
            ASSUME_ROLE_WITH_WEB_IDENTITY,
            TAG_SESSION,
            SET_SOURCE_IDENTITY,
        ]
        .iter()
        .filter(|a| s.action.applies_to(a))
        .map(|a| format!("`{a}`"))
        .collect();
        let w = if s.action.applies_to(ASSUME_ROLE_WITH_WEB_IDENTITY) {
            super::self_tagging_witness(ctx, view)
        } else {
            Ok(None)
        };
        let listed = if granted.is_empty() {
            "every STS action it does not list".to_string()
        } else {
            format!("every action it does not list, here {}", granted.join(", "))
        };
        let finding = report
            .finding(
                &s.action.loc,
                format!("`NotAction` in an Allow grants {listed}"),
            )
            .help(format!(
                "list the actions instead: `\"Action\": \"{ASSUME_ROLE_WITH_WEB_IDENTITY}\"`, plus \
                 `{TAG_SESSION}` only if the tokens must set session tags"
            ));
        let finding = super::with_model_answer(finding, w);
        report.push(finding);
    }
}
