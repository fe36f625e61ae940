//! Two statements with the same `Sid`. IAM documents that a Sid must be unique in a policy,
//! and reviewers use it to tell statements apart.

use std::collections::HashMap;

use crate::lint::{LintContext, Report, Rule, Severity};
use crate::policy::Statement;

pub const RULE: Rule = Rule {
    id: "duplicate-sid",
    summary: "two statements share a `Sid`",
    severity: Severity::Note,
    doc: include_str!("../../../rules/duplicate-sid.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    // The first statement of each Sid, so a policy of many statements is read once.
    let mut first_of: HashMap<&str, &Statement> = HashMap::new();
    for s in &ctx.policy.statements {
        let Some(sid) = s.sid.as_deref().filter(|x| !x.is_empty()) else {
            continue;
        };
        let Some(first) = first_of.get(sid).copied() else {
            first_of.insert(sid, s);
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
