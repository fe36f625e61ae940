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
    let Some(profile) = p.profile else {
        return out;
    };
    // Forms that name no caller at all (a custom template of only `job_workflow_ref`), and
    // forms that name the tenant but no project (`repository_owner:acme`).
    let has = |f: &crate::providers::SubForm, r: Role| f.fields().any(|x| x.role == r);
    let forms_where = |want: &dyn Fn(&crate::providers::SubForm) -> bool| Target {
        forms: profile
            .subject
            .iter()
            .filter(|f| want(f))
            .map(|f| f.name)
            .collect(),
        ..Target::default()
    };
    if p.is_shared() {
        out.cross_tenant =
            witness::subject(ctx, view, p, &Target::roles(&[Role::Tenant])).or_else(|| {
                let caller_free = forms_where(&|f| !has(f, Role::Tenant) && !has(f, Role::Project));
                witness::subject(ctx, view, p, &caller_free).map(|w| Witness {
                    who: format!(
                        "{}: this subject does not name the calling repository, so any \
                         repository that can run it presents the same one",
                        w.who
                    ),
                    ..w
                })
            });
        if out.cross_tenant.is_some() {
            return out;
        }
    }
    let keep_tenant = |c: &Candidate| keeps(c, &[Role::Tenant]);
    // A form with the tenant but no project stands for "every project of the tenant" only
    // where projects exist: for Google the account ID alone is the whole identity.
    let has_projects = profile.subject.iter().any(|f| has(f, Role::Project));
    out.tenant_wide =
        witness::subject_where(ctx, view, p, &Target::roles(&[Role::Project]), &keep_tenant)
            .or_else(|| {
                if !has_projects {
                    return None;
                }
                let owner_only = forms_where(&|f| has(f, Role::Tenant) && !has(f, Role::Project));
                witness::subject_where(ctx, view, p, &owner_only, &keep_tenant).map(|w| Witness {
                    who: format!(
                        "{}: this subject names only the owner, so every repository of the \
                         owner presents it",
                        w.who
                    ),
                    ..w
                })
            });
    if out.tenant_wide.is_some() {
        return out;
    }
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
