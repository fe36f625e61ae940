//! Two statements with the same `Sid`. IAM documents that a Sid must be unique in a policy,
//! and reviewers use it to tell statements apart.

use crate::lint::{LintContext, Report, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "duplicate-sid",
    summary: "two statements share a `Sid`",
    severity: Severity::Note,
    doc: include_str!("../../../rules/duplicate-sid.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    let statements = &ctx.policy.statements;
    for (i, s) in statements.iter().enumerate() {
        let Some(sid) = s.sid.as_deref().filter(|x| !x.is_empty()) else {
            continue;
        };
        let Some(first) = statements
            .iter()
            .take(i)
            .find(|e| e.sid.as_deref() == Some(sid))
        else {
            continue;
        };
        report.push(
            report
                .finding(
                    &s.loc,
                    format!("Sid `{sid}` is already used by an earlier statement"),
                )
                .related(first.loc.clone(), "first used here")
                .help("give every statement its own Sid"),
        );
    }
}
