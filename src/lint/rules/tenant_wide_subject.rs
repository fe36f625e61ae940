//! A `sub` condition that names the tenant (owner, workspace) but not the repository or
//! project: every pipeline of the tenant can assume the role.

use super::{sub_value_loc, witness_sub, words};
use crate::lint::{LintContext, Report, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "tenant-wide-subject",
    summary: "the `sub` condition admits every repository or project of the tenant",
    severity: Severity::Warning,
    doc: include_str!("../../../rules/tenant-wide-subject.md"),
    check,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for (s, view) in ctx.statements.iter().enumerate() {
        for (i, p) in view.providers.iter().enumerate() {
            let Some(w) = ctx.breadth(s, i).and_then(|b| b.tenant_wide.clone()) else {
                continue;
            };
            let sub = witness_sub(&w).to_string();
            let loc = sub_value_loc(view, p, &sub);
            let (project, tenant) = (words::project(p), words::tenant(p));
            let finding = report
                .finding(
                    &loc,
                    format!(
                        "this `sub` condition admits every {project} of the {tenant}: `{sub}` \
                         matches it"
                    ),
                )
                .help(format!(
                    "name the one {project} that deploys with this role"
                ))
                .witness(Some(w));
            report.push(finding);
        }
    }
}
