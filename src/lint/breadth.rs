//! How far a statement's `sub` conditions reach, worked out once per statement and provider
//! and shared by the breadth rules, most severe first: other tenants, then other projects of
//! the tenant, then other refs of the project, then the same ref name as another kind of ref
//! (a tag named like the branch). A policy is reported at its widest breach only.

use super::admitted::{self, Answer};
use super::context::{restricts, ProviderView, StatementView};
use super::witness::{self, Candidate, Target};
use super::{LintContext, Witness};
use crate::policy::{StringPattern, Typed};
use crate::providers::{Role, SubForm};

/// The widest breach found, with its witness.
#[derive(Debug, Clone, Default)]
pub struct Breadth {
    /// Another tenant of a shared issuer is admitted.
    pub cross_tenant: Option<Witness>,
    /// Another repository or project of the tenant is admitted.
    pub tenant_wide: Option<Witness>,
    /// Another branch, tag or pull request of the project is admitted.
    pub any_ref: Option<Witness>,
    /// One `sub` value admits both a branch and a tag of the same name (`ref_type:*`): the
    /// witness is the kind of ref the policy most likely does not mean.
    pub ref_type: Option<Witness>,
    /// Whether a pull request of a project the policy names is admitted, when the model
    /// decided it (`None`: ask the witness search).
    pub pull_requests: Option<bool>,
}

/// Forms that differ only in the kind of ref, field for field: (tag form, branch form).
const REF_TYPE_TWINS: &[(&str, &str)] = &[("tag", "branch"), ("subgroup-tag", "subgroup-branch")];

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
    if admitted::covers(view, p) {
        if let Some(decided) = on_the_model(ctx, view, p, profile) {
            return decided;
        }
    }
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
    // A shared kind on a per-tenant issuer (GitLab self-managed, a GitHub enterprise's own
    // issuer): the issuer is the tenant, so another group or owner on it is tenant-wide.
    if out.tenant_wide.is_none() && !p.is_shared() && profile.is_shared() {
        out.tenant_wide = witness::subject(ctx, view, p, &Target::roles(&[Role::Tenant]));
    }
    if out.tenant_wide.is_some() {
        return out;
    }
    let has_refs = profile.subject.iter().any(|f| {
        profile.is_change_request(f)
            || f.fields()
                .any(|x| matches!(x.role, Role::Ref | Role::Event))
    });
    if has_refs {
        let target = Target {
            roles: vec![Role::Ref, Role::Event],
            forms: change_request_forms(profile),
            ..Target::default()
        };
        let same_project = |c: &Candidate| keeps(c, &[Role::Tenant, Role::Project]);
        out.any_ref = witness::subject_where(ctx, view, p, &target, &same_project);
    }
    if out.any_ref.is_none() {
        out.ref_type = ref_type_confusion(ctx, view, p, profile);
    }
    out
}

/// The breadth read off the exact model, most severe first; `None` when the model refuses
/// the policy (then the witness search answers, as before). Each question is one question of
/// the admitted set: an identity of a tenant no condition names (cross-tenant, or tenant-wide
/// on a per-tenant issuer), of a project no condition names running its own code
/// (tenant-wide), of a ref no condition names or a pull request of a named project (any-ref).
fn on_the_model(
    ctx: &LintContext<'_>,
    view: &StatementView<'_>,
    p: &ProviderView<'_>,
    profile: &'static crate::providers::Profile,
) -> Option<Breadth> {
    let answer = admitted::answer(ctx, view.index)?;
    let Answer::Decided(by_caller) = answer.as_ref() else {
        return None;
    };
    let mut out = Breadth {
        pull_requests: Some(false),
        ..Breadth::default()
    };
    // A witness is replayed as `check --claims` derives the caller from `iss` (the policy's
    // first provider of that URL): another account's provider of the same URL is never it.
    let caller = ctx.caller_for(&format!("https://{}", p.prefix));
    let Some(facts) = by_caller.get(p.principal).filter(|_| caller == p.principal) else {
        return Some(out);
    };
    let shown = |w: &crate::model::Witness, roles: &[Role]| {
        admitted::lint_witness(ctx, view.index, p, w, roles)
    };
    if p.is_shared() {
        if let Some(w) = &facts.other_tenant.witness {
            out.cross_tenant = Some(shown(w, &[Role::Tenant]));
            return Some(out);
        }
    } else if profile.is_shared() {
        // The issuer is the tenant: another owner on it is tenant-wide.
        if let Some(w) = &facts.other_tenant_own.witness {
            out.tenant_wide = Some(shown(w, &[Role::Tenant]));
            return Some(out);
        }
    }
    if let Some(w) = &facts.other_project_own.witness {
        out.tenant_wide = Some(shown(w, &[Role::Project]));
        return Some(out);
    }
    out.pull_requests = Some(facts.pull_request);
    out.any_ref = facts
        .other_ref
        .witness
        .as_ref()
        .map(|w| shown(w, &[Role::Ref, Role::Event]));
    // Other projects running a workflow they do not own (a pinned central workflow) are the
    // widest breach left: a ref-type confusion inside one of them is not reported.
    if out.any_ref.is_none() && facts.other_project.witness.is_none() {
        out.ref_type = ref_type_confusion(ctx, view, p, profile);
    }
    Some(out)
}

/// A token of one kind of ref (tag, branch) whose twin of the other kind, with the same
/// project and ref name, one and the same `sub` value also admits: the value leaves the ref
/// type open. Branch witnesses for version-like names (`v1.2`, which the policy most likely
/// means as a tag), tag witnesses otherwise (a tag named like the branch `main`).
fn ref_type_confusion(
    ctx: &LintContext<'_>,
    view: &StatementView<'_>,
    p: &ProviderView<'_>,
    profile: &'static crate::providers::Profile,
) -> Option<Witness> {
    let form = |name: &str| profile.subject.iter().find(|f| f.name == name);
    let twins: Vec<(&SubForm, &SubForm)> = REF_TYPE_TWINS
        .iter()
        .filter_map(|(tag, branch)| Some((form(tag)?, form(branch)?)))
        .collect();
    if twins.is_empty() {
        return None;
    }
    let patterns = sub_matchers(view, p);
    // `witness_branch`: search branch forms (twins are tags), else tag forms.
    let search = |witness_branch: bool| {
        let pairs: Vec<(&SubForm, &SubForm)> = twins
            .iter()
            .map(|&(t, b)| if witness_branch { (b, t) } else { (t, b) })
            .collect();
        let target = Target {
            forms: pairs.iter().map(|(f, _)| f.name).collect(),
            ..Target::default()
        };
        let accept = |c: &Candidate| {
            let Some((_, twin)) = pairs.iter().find(|(f, _)| f.name == c.form.name) else {
                return false;
            };
            let name = c
                .values
                .iter()
                .find(|(f, _, _)| f.role == Role::Ref)
                .map_or("", |(_, v, _)| v.as_str());
            let twin_sub = twin.render(|j, _| {
                c.values
                    .get(j)
                    .map(|(_, v, _)| v.clone())
                    .unwrap_or_default()
            });
            keeps(c, &[Role::Tenant, Role::Project, Role::Group, Role::Ref])
                && looks_like_version(name) == witness_branch
                && patterns
                    .iter()
                    .any(|m| m.accepts(&c.sub) == Some(true) && m.accepts(&twin_sub) == Some(true))
        };
        witness::subject_where(ctx, view, p, &target, &accept).map(|w| {
            let sub = w.claims.get("sub").and_then(|v| v.as_str()).unwrap_or("");
            let name = ref_name(sub);
            let who = if witness_branch {
                format!("a pipeline of a branch named `{name}`, like the tag the policy names")
            } else {
                format!("a pipeline of a tag named `{name}`, like the branch the policy names")
            };
            Witness { who, ..w }
        })
    };
    search(false).or_else(|| search(true))
}

/// The statement's restricting `sub` values without variables (a value with a variable names
/// no fixed ref type).
fn sub_matchers<'v>(
    view: &'v StatementView<'_>,
    p: &'v ProviderView<'_>,
) -> Vec<&'v StringPattern> {
    view.on_claim(p, "sub")
        .filter(|c| restricts(c))
        .flat_map(|c| &c.values)
        .filter_map(|v| match &v.typed {
            Typed::String(pattern) if !pattern.has_variables() => Some(pattern),
            _ => None,
        })
        .collect()
}

/// The short ref name of a subject: what follows its last `:ref:`, without `refs/heads/` or
/// `refs/tags/` (Semaphore writes the full ref).
pub(crate) fn ref_name(sub: &str) -> &str {
    let full = sub.rsplit_once(":ref:").map_or(sub, |(_, r)| r);
    ["refs/heads/", "refs/tags/"]
        .iter()
        .find_map(|p| full.strip_prefix(p))
        .unwrap_or(full)
}

/// `v1.2.3`, `1.0`: a name given to a release tag rather than a branch.
fn looks_like_version(name: &str) -> bool {
    let digits = name.strip_prefix(['v', 'V']).unwrap_or(name);
    digits.starts_with(|c: char| c.is_ascii_digit())
}

/// The profile's forms of change-request tokens, by name (what the search targets).
pub(crate) fn change_request_forms(profile: &crate::providers::Profile) -> Vec<&'static str> {
    profile
        .subject
        .iter()
        .filter(|f| profile.is_change_request(f))
        .map(|f| f.name)
        .collect()
}

/// `true` when a candidate keeps every field of `roles` at a value the policy names.
pub(crate) fn keeps(c: &Candidate, roles: &[Role]) -> bool {
    c.values
        .iter()
        .all(|(f, _, origin)| !roles.contains(&f.role) || *origin == witness::Origin::Policy)
}
