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
    fix: crate::lint::fix::Fix::None,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for (s, view) in ctx.statements.iter().enumerate() {
        for (i, p) in view.providers.iter().enumerate() {
            let Some(w) = ctx.breadth(s, i).and_then(|b| b.tenant_wide.clone()) else {
                continue;
            };
            let sub = witness_sub(&w).to_string();
            let loc = sub_value_loc(view, p, &sub);
            let project = words::project(p);
            let tenant = group_scope(view, p).unwrap_or_else(|| words::tenant(p));
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

/// "namespace" for a value that keeps one group of a provider whose groups live inside one
/// tenant (`system:serviceaccount:payments:*`): no subject with every field another value is
/// admitted.
fn group_scope(
    view: &crate::lint::StatementView<'_>,
    p: &crate::lint::ProviderView<'_>,
) -> Option<String> {
    use crate::providers::Role;
    let profile = p.profile?;
    let fields = || profile.subject.iter().flat_map(|f| f.fields());
    if p.is_shared() || fields().any(|f| f.role == Role::Tenant) {
        return None;
    }
    let group = words::noun(profile, Role::Group)?;
    let anywhere = profile
        .subject
        .iter()
        .map(|f| f.render(|_, field| field.other.to_string()))
        .any(|sub| super::admitting_value(view, p, &sub).is_some());
    (!anywhere).then_some(group)
}
