//! A `sub` condition that names the tenant (owner, workspace) but not the repository or
//! project: every pipeline of the tenant can assume the role.

use super::{keeps, sub_value_loc, witness_sub};
use crate::lint::witness::{self, Target};
use crate::lint::{LintContext, Report, Rule, Severity};
use crate::providers::Role;

pub const RULE: Rule = Rule {
    id: "tenant-wide-subject",
    summary: "the `sub` condition admits every repository or project of the tenant",
    severity: Severity::Warning,
    doc: include_str!("../../../rules/tenant-wide-subject.md"),
    check,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in ctx.statements.iter().filter(|v| v.allows_web_identity()) {
        for p in &view.providers {
            if view.on_claim(p, "sub").next().is_none() {
                continue; // missing-subject-condition reports this
            }
            // Keep the tenant at the policy's own value: other tenants are cross-tenant-subject.
            let keep_tenant = |c: &witness::Candidate| keeps(c, &[Role::Tenant]);
            let Some(w) = witness::subject_where(
                ctx,
                view,
                p,
                &Target::roles(&[Role::Project]),
                &keep_tenant,
            ) else {
                continue;
            };
            let sub = witness_sub(&w).to_string();
            let loc = sub_value_loc(view, p, &sub);
            let unit = if p.is_shared() {
                "owner"
            } else {
                p.tenant_unit()
            };
            let finding = report
                .finding(
                    &loc,
                    format!(
                        "this `sub` condition admits every repository of the {unit}: `{sub}` \
                         matches it"
                    ),
                )
                .help("name the one repository (or project) that deploys with this role")
                .witness(Some(w));
            report.push(finding);
        }
    }
}
