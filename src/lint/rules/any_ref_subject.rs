//! A `sub` condition that pins the repository but not the branch, tag or event: any branch
//! (including unreviewed ones) or pull request of the repository can assume the role.

use super::{sub_value_loc, witness_sub};
use crate::lint::{LintContext, Report, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "any-ref-subject",
    summary: "the `sub` condition admits any branch, tag or pull request of the repository",
    severity: Severity::Warning,
    doc: include_str!("../../../rules/any-ref-subject.md"),
    check,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for (s, view) in ctx.statements.iter().enumerate() {
        for (i, p) in view.providers.iter().enumerate() {
            let Some(w) = ctx.breadth(s, i).and_then(|b| b.any_ref.clone()) else {
                continue;
            };
            let sub = witness_sub(&w).to_string();
            let loc = sub_value_loc(view, p, &sub);
            let finding = report
                .finding(
                    &loc,
                    format!(
                        "this `sub` condition admits any branch, tag or pull request: `{sub}` \
                         matches it"
                    ),
                )
                .help(
                    "pin the protected branch or the deployment environment, e.g. \
                     `repo:acme/app:environment:production`",
                )
                .witness(Some(w));
            report.push(finding);
        }
    }
}
