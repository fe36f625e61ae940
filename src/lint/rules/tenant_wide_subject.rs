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
            let every_group = default_member(view, p, &sub)
                .map(|(group, member)| {
                    format!(
                        ", including the `{member}` {project} every {group} has, which any \
                         workload there runs as unless it names another"
                    )
                })
                .unwrap_or_default();
            let finding = report
                .finding(
                    &loc,
                    format!(
                        "this `sub` condition admits every {project} of the {tenant}{every_group}: \
                         `{sub}` matches it"
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

/// The member every group has (Kubernetes' `default` service account), when the statement
/// admits it too: the witness with its project replaced by that member.
fn default_member(
    view: &crate::lint::StatementView<'_>,
    p: &crate::lint::ProviderView<'_>,
    sub: &str,
) -> Option<(&'static str, &'static str)> {
    let profile = p.profile?;
    let (group, member) = profile.member_of_every_group?;
    let project = profile
        .subject
        .iter()
        .flat_map(|f| f.fields())
        .find(|f| f.role == crate::providers::Role::Project)?;
    let prefix = sub.strip_suffix(project.other)?;
    let candidate = format!("{prefix}{member}");
    super::admitting_value(view, p, &candidate).map(|_| (group, member))
}
