//! A trust policy IAM would refuse to store today: for a shared OIDC issuer it recognises, IAM
//! requires a positive string condition on the issuer's identity-provider controls (GitHub's
//! `sub` or `job_workflow_ref`, Buildkite's `sub`) by a value not scoped to everything (R8.1,
//! R8.2). The check runs only when a role is created or its trust policy updated, so such a
//! role keeps working until its next edit, which then fails.
//!
//! The rule states what IAM does, so it reports only what fails under every reading of the
//! page: operators and set qualifiers the page does not settle are taken as accepted (R8.3), and
//! a list with one specific value passes, whether IAM reads every value or only the first.

use crate::lint::{LintContext, ProviderView, Report, Rule, Severity, StatementView};
use crate::policy::{Base, CondValue, Condition, Loc, Typed};

pub const RULE: Rule = Rule {
    id: "refused-at-next-edit",
    summary: "IAM refuses to save this trust policy again: a shared issuer's `sub` is not constrained (the role works until its next edit)",
    severity: Severity::Warning,
    doc: include_str!("../../../rules/refused-at-next-edit.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

/// The operators IAM's page names for the controls.
const OPERATORS: &[Base] = &[
    Base::StringEquals,
    Base::StringLike,
    Base::StringEqualsIgnoreCase,
];

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in ctx.statements.iter().filter(|v| v.allows_web_identity()) {
        for p in &view.providers {
            let Some(controls) = p.profile.and_then(|pr| pr.iam_identity_controls) else {
                continue;
            };
            // A bare domain names no IAM OIDC provider: no token matches it, and the page is
            // about providers created in IAM.
            if !controls.applies_to(p.prefix) || !p.principal.contains(":oidc-provider/") {
                continue;
            }
            let on_controls: Vec<&Condition> = controls
                .claims
                .iter()
                .flat_map(|claim| view.on_claim(p, claim))
                .collect();
            if on_controls.iter().any(|c| satisfies(c)) {
                continue;
            }
            report.push(finding(report, view, p, controls.claims, &on_controls));
        }
    }
}

/// A condition IAM counts: one of the named operators, with a value that does not admit
/// everything. An empty list is taken as counting: it admits nobody, and what IAM makes of it
/// is undocumented (R8.3).
fn satisfies(c: &Condition) -> bool {
    OPERATORS.contains(&c.operator.base)
        && (c.values.is_empty() || c.values.iter().any(|v| !admits_everything(c, v)))
}

/// `*` (or `**`, `*?`…) under `StringLike`: every subject matches.
fn admits_everything(c: &Condition, v: &CondValue) -> bool {
    c.operator.base == Base::StringLike
        && matches!(v.typed, Typed::String(_))
        && v.raw.contains('*')
        && v.raw.chars().all(|ch| ch == '*' || ch == '?')
}

fn finding(
    report: &Report,
    view: &StatementView<'_>,
    p: &ProviderView<'_>,
    claims: &[&str],
    on_controls: &[&Condition],
) -> crate::lint::Finding {
    let keys = claims
        .iter()
        .map(|c| format!("`{}:{c}`", p.prefix))
        .collect::<Vec<_>>()
        .join(" or ");
    let why = match on_controls.first() {
        None => format!("there is no condition on {keys}"),
        Some(c) if OPERATORS.contains(&c.operator.base) => format!(
            "the condition on `{}` admits every value ({})",
            c.key,
            c.values
                .iter()
                .map(|v| format!("`{}`", v.raw))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Some(c) => format!(
            "`{}` is not an operator IAM counts for {keys}",
            c.operator.name()
        ),
    };
    let loc: &Loc = on_controls.first().map_or(p.entry_loc, |c| &c.key_loc);
    let message = format!(
        "IAM refuses to create this role or save this trust policy again: `{}` is a shared OIDC \
         issuer, and {why}. An existing role with this policy keeps working until its trust policy \
         is next edited; then the edit fails",
        p.prefix
    );
    let mut f = report.finding(loc, message).help(format!(
        "constrain {keys} with `StringEquals`, `StringLike` or `StringEqualsIgnoreCase` and a \
         value naming what may deploy (for GitHub, `repo:OWNER/REPO:…`). Reports that IAM \
         checks only the first value of a list (so that `[\"repo:acme/app:*\", \"*\"]` passes) \
         are not confirmed by AWS's page"
    ));
    if on_controls.is_empty() {
        if let Some(cl) = &view.statement.condition_loc {
            f = f.related(cl.clone(), "none of these conditions is on the controls");
        }
    }
    f
}
