//! How far a statement's `sub` conditions reach, worked out once per statement and provider
//! and shared by the breadth rules, most severe first: other tenants, then other projects of
//! the tenant, then other refs of the project, then the same ref name as another kind of ref
//! (a tag named like the branch). A policy is reported at its widest breach only.
//!
//! Every answer is the exact model's ([`super::admitted`]); a statement it cannot decide (a
//! refusal, or a provider form it does not model yet) is [`Breadth::undecided`], reported once
//! as undecided-breadth, and no breadth is guessed for it.

use super::admitted::{self, Answer};
use super::context::{restricts, ProviderView, StatementView};
use super::model_token::{self, Refusal};
use super::{LintContext, Witness};
use crate::model::identity::Form;
use crate::model::{self, Sight};
use crate::policy::{StringPattern, Typed};
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
    /// One `sub` value admits both a branch and a tag of the same name (`ref_type:*`): the
    /// witness is the kind of ref the policy most likely does not mean.
    pub ref_type: Option<Witness>,
    /// Whether a pull request of a project the policy names is admitted, when the model
    /// decided it.
    pub pull_requests: Option<bool>,
    /// Why the model could not decide the statement's breadth (undecided-breadth).
    pub(crate) undecided: Option<Refusal>,
}

impl Breadth {
    /// Is the breach found the widest there is for this provider: another tenant of a shared
    /// issuer, another project (or owner) on a per-tenant one?
    fn widest_for(&self, p: &ProviderView<'_>) -> bool {
        self.cross_tenant.is_some() || (!p.is_shared() && self.tenant_wide.is_some())
    }
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
    // No guessing where the model cannot answer: the statement is undecided. A template the
    // model cannot render only leaves its tokens out (the model renders the others): a breach
    // it finds without them is real and reported, but only the widest one there is settles
    // the statement (the tokens left out could be another tenant's), so a narrower one is
    // reported as undecided too, and "no breach" is no answer.
    if let Err(why) = model_token::coverage(view, p) {
        if !profile.subject.is_empty() {
            if let Some(mut found) = on_the_model(ctx, view, p, profile) {
                if found.widest_for(p) {
                    return found;
                }
                if found.tenant_wide.is_some() || found.any_ref.is_some() {
                    found.ref_type = None;
                    found.undecided = Some(why);
                    return found;
                }
            }
        }
        out.undecided = Some(why);
        return out;
    }
    // A profile without subject forms has no tenant, project or ref to ask about.
    if !admitted::covers(view, p) {
        return out;
    }
    on_the_model(ctx, view, p, profile).unwrap_or(out)
}

/// The breadth read off the exact model, most severe first; `None` when the model refuses
/// the statement (there is no statement to ask about). Each question is one question of
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
    let by_caller = match answer.as_ref() {
        Answer::Decided(by_caller) => by_caller,
        Answer::Refused(why) => {
            return Some(Breadth {
                undecided: Some(Refusal::Model(why.clone())),
                ..Breadth::default()
            })
        }
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
/// means as a tag), tag witnesses otherwise (a tag named like the branch `main`). The twin's
/// `sub` is rendered by the identity model from the witness's own fields.
fn ref_type_confusion(
    ctx: &LintContext<'_>,
    view: &StatementView<'_>,
    p: &ProviderView<'_>,
    profile: &'static crate::providers::Profile,
) -> Option<Witness> {
    let declared = admitted::declared(ctx);
    let kind = declared
        .iter()
        .find(|(d, _)| d.as_str() == p.prefix)
        .map(|(_, k)| *k)
        .filter(|k| k.id == profile.id);
    let identity = model::identity::for_prefix_as(p.prefix, kind);
    let form = |name: &str| identity.forms.iter().find(|f| f.name == name);
    let twins: Vec<(&Form, &Form)> = REF_TYPE_TWINS
        .iter()
        .filter_map(|(tag, branch)| Some((form(tag)?, form(branch)?)))
        .collect();
    if twins.is_empty() {
        return None;
    }
    let patterns = sub_matchers(view, p);
    // One exact value admits one `sub`, never a tag and a branch: no need to ask the model.
    let open = patterns
        .iter()
        .any(|m| m.compiled.as_ref().is_none_or(|c| !c.is_exact()));
    if !open {
        return None;
    }
    // The twin of the sight's form, and whether the sight is the branch.
    let twin_of = |sight: &Sight<'_>| {
        twins.iter().find_map(|&(t, b)| {
            if t.name == sight.form.name {
                Some((b, false))
            } else if b.name == sight.form.name {
                Some((t, true))
            } else {
                None
            }
        })
    };
    // Who the caller is, and the ref, stay at values the policy names in the `sub`.
    let pinned = |sight: &Sight<'_>| {
        model_token::fields_of_claim(sight, "sub").iter().all(|&i| {
            let role = sight.form.fields.get(i).and_then(|f| f.role);
            !matches!(
                role,
                Some(Role::Tenant | Role::Project | Role::Group | Role::Ref)
            ) || !sight.fresh(i)
        })
    };
    let confused = |sight: &Sight<'_>, w: &model::Witness| {
        let Some((twin, witness_branch)) = twin_of(sight) else {
            return false;
        };
        // The twin's `sub` takes the witness's `sub` fields, position for position.
        let own_fields = sub_fields(sight.form);
        let mut values: Vec<Option<&str>> = vec![None; twin.fields.len()];
        for (&mine, &theirs) in own_fields.iter().zip(&sub_fields(twin)) {
            if let Some(slot) = values.get_mut(theirs) {
                *slot = w.fields.get(mine).and_then(|(_, v)| v.as_deref());
            }
        }
        let name = own_fields
            .iter()
            .find(|&&i| w.roles.get(i).copied().flatten() == Some(Role::Ref))
            .and_then(|&i| w.fields.get(i))
            .and_then(|(_, v)| v.as_deref())
            .unwrap_or("");
        let sub = |claims: &serde_json::Map<String, serde_json::Value>| {
            claims
                .get("sub")
                .and_then(serde_json::Value::as_str)
                .map(str::to_string)
        };
        let (Some(own), Some(other)) = (sub(&w.claims), sub(&twin.render(&values))) else {
            return false;
        };
        looks_like_version(name) == witness_branch
            && patterns
                .iter()
                .any(|m| m.accepts(&own) == Some(true) && m.accepts(&other) == Some(true))
    };
    // The first of each kind: a tag witness, else a branch one.
    let mut found: [Option<model::Witness>; 2] = [None, None];
    let own = ctx.own_and_denies(view.index)?;
    let opts = model_token::options(ctx);
    let visited = model::admitted(own, &opts, |sight| {
        if sight.principal != p.principal || !pinned(sight) {
            return;
        }
        let Some((_, witness_branch)) = twin_of(sight) else {
            return;
        };
        let slot = usize::from(witness_branch);
        if found.get(slot).is_some_and(Option::is_some) {
            return;
        }
        let w = sight.witness(&[]);
        if w.now == opts.now && confused(sight, &w) {
            if let Some(s) = found.get_mut(slot) {
                *s = Some(w);
            }
            if !witness_branch {
                sight.stop();
            }
        }
    });
    visited.ok()?;
    let [tag, branch] = found;
    let (w, witness_branch) = match (tag, branch) {
        (Some(w), _) => (w, false),
        (None, Some(w)) => (w, true),
        (None, None) => return None,
    };
    let shown = admitted::lint_witness(ctx, view.index, p, &w, &[Role::Ref]);
    let sub = shown
        .claims
        .get("sub")
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let name = ref_name(sub);
    let who = if witness_branch {
        format!("a pipeline of a branch named `{name}`, like the tag the policy names")
    } else {
        format!("a pipeline of a tag named `{name}`, like the branch the policy names")
    };
    Some(Witness { who, ..shown })
}

/// The fields a form's `sub` template names, in template order.
fn sub_fields(form: &Form) -> Vec<usize> {
    form.claims
        .iter()
        .filter(|c| c.claim == "sub")
        .flat_map(|c| &c.parts)
        .filter_map(|part| match part {
            model::identity::TPart::Field(fi) => Some(*fi),
            model::identity::TPart::Lit(_) => None,
        })
        .collect()
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
