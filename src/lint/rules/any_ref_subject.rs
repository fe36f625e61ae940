//! A `sub` condition that pins the repository but not the branch, environment or event: any
//! branch (including unreviewed ones) or pull request of the repository can assume the role.

use super::{keeps, sub_value_loc, witness_sub};
use crate::lint::witness::{self, Target};
use crate::lint::{LintContext, Report, Rule, Severity};
use crate::providers::Role;

pub const RULE: Rule = Rule {
    id: "any-ref-subject",
    summary: "the `sub` condition admits any branch, tag or pull request of the repository",
    severity: Severity::Warning,
    doc: include_str!("../../../rules/any-ref-subject.md"),
    check,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in ctx.statements.iter().filter(|v| v.allows_web_identity()) {
        for p in &view.providers {
            let Some(profile) = p.profile else { continue };
            let has_refs = profile.subject.iter().any(|f| {
                f.name == "pull-request"
                    || f.fields()
                        .any(|x| matches!(x.role, Role::Ref | Role::Event))
            });
            if !has_refs || view.on_claim(p, "sub").next().is_none() {
                continue;
            }
            let target = Target {
                roles: vec![Role::Ref, Role::Event],
                forms: vec!["pull-request", "pull-request-immutable", "merge-request"],
                ..Target::default()
            };
            // Keep tenant and project at the policy's values: leaving them is another rule's.
            let same_project = |c: &witness::Candidate| keeps(c, &[Role::Tenant, Role::Project]);
            let Some(w) = witness::subject_where(ctx, view, p, &target, &same_project) else {
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
