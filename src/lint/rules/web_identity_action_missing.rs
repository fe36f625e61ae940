//! An Allow that trusts a web identity provider but whose `Action` (or `NotAction`) does not
//! cover `sts:AssumeRoleWithWebIdentity`: `sts:AssumeRole` and `sts:AssumeRoleWithSAML` never
//! match a web identity caller, so the statement never lets the provider in. A statement that
//! only adds `sts:TagSession` or `sts:SetSourceIdentity` next to another statement that does
//! allow the provider is fine.

use crate::lint::context::StatementView;
use crate::lint::{LintContext, Report, Rule, Severity};
use crate::policy::Effect;
use crate::request::{ASSUME_ROLE_WITH_WEB_IDENTITY, SET_SOURCE_IDENTITY, TAG_SESSION};

pub const RULE: Rule = Rule {
    id: "web-identity-action-missing",
    summary: "a web identity provider is trusted for an action other than `sts:AssumeRoleWithWebIdentity`",
    severity: Severity::Warning,
    doc: include_str!("../../../rules/web-identity-action-missing.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

/// Actions that accompany the web identity action rather than replace it.
const COMPANIONS: &[&str] = &[TAG_SESSION, SET_SOURCE_IDENTITY];

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in &ctx.statements {
        let s = view.statement;
        if s.effect != Effect::Allow
            || view.providers.is_empty()
            || s.action.applies_to(ASSUME_ROLE_WITH_WEB_IDENTITY)
        {
            continue;
        }
        let companion_only = !s.action.negated
            && !s.action.items.is_empty()
            && s.action
                .items
                .iter()
                .all(|i| COMPANIONS.iter().any(|c| c.eq_ignore_ascii_case(&i.raw)));
        if companion_only && allowed_elsewhere(ctx, view) {
            continue;
        }
        let listed: Vec<String> = s
            .action
            .items
            .iter()
            .map(|i| format!("`{}`", i.raw))
            .collect();
        let message = if s.action.negated {
            format!(
                "`NotAction` excludes `{ASSUME_ROLE_WITH_WEB_IDENTITY}`, so this statement \
                 never lets the web identity provider in"
            )
        } else if listed.is_empty() {
            "the `Action` list is empty, so this statement never lets the web identity \
             provider in"
                .to_string()
        } else {
            format!(
                "{} never matches a web identity caller: the provider can assume a role only \
                 with `{ASSUME_ROLE_WITH_WEB_IDENTITY}`, so this statement never applies",
                listed.join(", ")
            )
        };
        let finding = report
            .finding(&s.action.loc, message)
            .related(s.principal.loc().clone(), "a web identity provider")
            .help(format!(
                "use `\"Action\": \"{ASSUME_ROLE_WITH_WEB_IDENTITY}\"` for an OIDC provider \
                 (add `{TAG_SESSION}` only if the tokens carry session tags)"
            ));
        report.push(finding);
    }
}

/// Does another Allow statement let one of this statement's providers in?
fn allowed_elsewhere(ctx: &LintContext<'_>, view: &StatementView<'_>) -> bool {
    ctx.statements.iter().any(|other| {
        other.allows_web_identity()
            && other
                .providers
                .iter()
                .any(|o| view.providers.iter().any(|p| p.principal == o.principal))
    })
}
