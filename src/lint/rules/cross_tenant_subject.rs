//! A `sub` condition under a shared issuer that admits identities of other tenants: `*`,
//! `repo:*`, `repo:acme*` (look-alike owners), `repo:*/app`.

use super::{sub_value_loc, witness_sub};
use crate::lint::{LintContext, Report, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "cross-tenant-subject",
    summary: "the `sub` condition admits other tenants of a shared issuer (another org, a look-alike name)",
    severity: Severity::Error,
    doc: include_str!("../../../rules/cross-tenant-subject.md"),
    check,
    fix: crate::lint::fix::Fix::Auto(crate::lint::fix::cross_tenant_subject),
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for (s, view) in ctx.statements.iter().enumerate() {
        for (i, p) in view.providers.iter().enumerate() {
            let Some(w) = ctx.breadth(s, i).and_then(|b| b.cross_tenant.clone()) else {
                continue;
            };
            let sub = witness_sub(&w).to_string();
            let loc = sub_value_loc(view, p, &sub);
            let name = p.profile.map_or("the provider", |pr| pr.name);
            let finding = report
                .finding(
                    &loc,
                    format!("this `sub` condition admits other {name} tenants: `{sub}` matches it"),
                )
                .help(
                    "end the owner (organization, group) with its separator before any \
                     wildcard, e.g. `repo:acme/app:*`, never `repo:acme*`",
                )
                .witness(Some(w));
            report.push(finding);
        }
    }
}
