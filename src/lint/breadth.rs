//! How far a statement's `sub` conditions reach, worked out once per statement and provider
//! and shared by the breadth rules, most severe first: other tenants, then other projects of
//! the tenant, then other refs of the project. A policy is reported at its widest breach only.

use super::context::{ProviderView, StatementView};
use super::witness::{self, Candidate, Target};
use super::{LintContext, Witness};
use crate::providers::Role;

/// The widest breach found, with its witness.
#[derive(Debug, Clone, Default)]
pub struct Breadth {
    /// Another tenant of a shared issuer is admitted.
    pub cross_tenant: Option<Witness>,
    /// Another repository or project of the tenant is admitted.
    pub tenant_wide: Option<Witness>,
    /// Another branch, tag or pull request of the project is admitted.
    pub any_ref: Option<Witness>,
}

pub(crate) fn analyse(
    ctx: &LintContext<'_>,
    view: &StatementView<'_>,
    p: &ProviderView<'_>,
) -> Breadth {
    let mut out = Breadth::default();
    if !view.allows_web_identity() || view.on_claim(p, "sub").next().is_none() {
        return out;
    }
    if p.is_shared() {
        out.cross_tenant = witness::subject(ctx, view, p, &Target::roles(&[Role::Tenant]));
        if out.cross_tenant.is_some() {
            return out;
        }
    }
    let keep_tenant = |c: &Candidate| keeps(c, &[Role::Tenant]);
    out.tenant_wide =
        witness::subject_where(ctx, view, p, &Target::roles(&[Role::Project]), &keep_tenant);
    if out.tenant_wide.is_some() {
        return out;
    }
    let Some(profile) = p.profile else {
        return out;
    };
    let has_refs = profile.subject.iter().any(|f| {
        f.name.starts_with("pull-request")
            || f.name == "merge-request"
            || f.fields()
                .any(|x| matches!(x.role, Role::Ref | Role::Event))
    });
    if has_refs {
        let target = Target {
            roles: vec![Role::Ref, Role::Event],
            forms: vec!["pull-request", "pull-request-immutable", "merge-request"],
            ..Target::default()
        };
        let same_project = |c: &Candidate| keeps(c, &[Role::Tenant, Role::Project]);
        out.any_ref = witness::subject_where(ctx, view, p, &target, &same_project);
    }
    out
}

/// `true` when a candidate keeps every field of `roles` at a value the policy names.
fn keeps(c: &Candidate, roles: &[Role]) -> bool {
    c.values
        .iter()
        .all(|(f, _, origin)| !roles.contains(&f.role) || *origin == witness::Origin::Policy)
}
