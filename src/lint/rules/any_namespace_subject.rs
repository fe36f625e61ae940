//! A `sub` value that names the project (a Kubernetes service account) but leaves its group
//! (the namespace) open, on a per-tenant issuer: `system:serviceaccount:*:deployer`. Whoever can
//! create a namespace, and a service account of that name in it, gets in.

use super::{sub_value_loc, witness_sub, words};
use crate::lint::model_token::{token_where, Query};
use crate::lint::{LintContext, Report, Rule, Severity};
use crate::model::Sight;
use crate::providers::Role;

/// Witnesses by statement and provider ([`LintContext::statement_key`]).
static FOUND: std::sync::LazyLock<crate::model::Memo<Option<crate::lint::Witness>>> =
    std::sync::LazyLock::new(|| crate::model::Memo::new(4096));

pub const RULE: Rule = Rule {
    id: "any-namespace-subject",
    summary: "the `sub` condition names the service account but admits it in any namespace",
    severity: Severity::Warning,
    doc: include_str!("../../../rules/any-namespace-subject.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for (s, view) in ctx.statements.iter().enumerate() {
        for (i, p) in view.providers.iter().enumerate() {
            let Some(profile) = p.profile else { continue };
            // Only where groups are the provider's own unit inside one tenant (no tenant field).
            let has = |r: Role| {
                profile
                    .subject
                    .iter()
                    .any(|f| f.fields().any(|x| x.role == r))
            };
            if p.is_shared() || has(Role::Tenant) || !has(Role::Group) {
                continue;
            }
            // A wider breach is its own rule's finding.
            // An undecided statement is undecided-breadth's.
            if ctx.breadth(s, i).is_some_and(|b| {
                b.tenant_wide.is_some() || b.cross_tenant.is_some() || b.undecided.is_some()
            }) {
                continue;
            }
            // An identity of a named project in a group no condition names.
            let other_group = |sight: &Sight<'_>| {
                let of = |r: Role| -> Vec<usize> {
                    sight
                        .form
                        .fields
                        .iter()
                        .enumerate()
                        .filter(|(_, f)| f.role == Some(r))
                        .map(|(i, _)| i)
                        .collect()
                };
                let groups = of(Role::Group);
                let fresh = !groups.is_empty() && groups.iter().all(|&g| sight.fresh(g));
                let named = of(Role::Project).iter().all(|&j| !sight.fresh(j));
                (fresh && named).then_some(groups)
            };
            let q = Query::any("")
                .pick(&other_group)
                .described_by(&[Role::Group]);
            // The answer depends on the statement alone: worked out once per distinct one.
            let found = || token_where(ctx, view, p, &q).ok().flatten();
            let found = match ctx.statement_key(s, i) {
                Some(key) => FOUND.get_or(key, found),
                None => found(),
            };
            let Some(w) = found else {
                continue;
            };
            let sub = witness_sub(&w).to_string();
            let loc = sub_value_loc(view, p, &sub);
            let group = words::noun(profile, Role::Group).unwrap_or_else(|| "group".into());
            let project = words::project(p);
            let finding = report
                .finding(
                    &loc,
                    format!(
                        "this `sub` condition admits the {project} in any {group} of the {}: \
                         whoever can create a {group} and a {project} of that name gets in \
                         (`{sub}` matches it)",
                        p.tenant_unit()
                    ),
                )
                .help(format!("name the {group}, as in `{}`", example(profile)))
                .witness(Some(w));
            report.push(finding);
        }
    }
}

fn example(profile: &crate::providers::Profile) -> String {
    words::pinned_example(profile).unwrap_or_default()
}
