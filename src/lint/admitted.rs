//! The breadth questions asked of the exact model ([`crate::model::admitted`]): for one
//! statement (with every Deny statement of the policy) and one caller, does the admitted set
//! hold an identity whose tenant, project or ref is a value no condition names?
//!
//! A field's class is *fresh* when it holds a value that is no part of the literal text of
//! the patterns on the field's claims: such a class, admitted, lets in identities nobody wrote
//! into the policy. A tenant (project) is fresh when every field that identifies it is: a
//! GitHub repository pinned by `repository_id` is one repository whatever its name. Each
//! witness is a token the model renders from one identity, so its claims agree (the `sub`'s
//! owner is the `repository`'s owner; a CircleCI `sub` names its issuer's organization).
//!
//! The model covers every provider with a profile ([`covers`]): the hand-written identity
//! models (GitHub with its default subject forms and custom templates, Bitbucket, CircleCI,
//! for their own issuers and those config declares) and those generated from a profile; a
//! policy the model refuses is undecided, never guessed ([`super::model_token::Refusal`]).
//! What a field identifies is its identity model's data
//! ([`model::identity::FieldSpec::role`]), and a change request is its form's.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use serde_json::{Map, Value};

use super::context::{ProviderView, StatementView};
use super::{LintContext, Witness};
use crate::eval::{evaluate, Verdict};
use crate::model::{self, Memo, Options, Sight};
use crate::policy::Policy;
use crate::providers::{github_templates_of, Role};
use crate::request::ClaimSet;

/// What the admitted set of one statement holds for one caller: a witness of each kind of
/// breach, the most realistic of the first few found (see [`Best`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    /// A caller of a tenant no condition names.
    pub other_tenant: Best,
    /// The same, running a workflow of its own repository.
    pub other_tenant_own: Best,
    /// A project no condition names, of a named tenant.
    pub other_project: Best,
    /// The same, running a workflow of its own repository: the project's own code.
    pub other_project_own: Best,
    /// A ref no condition names (or a pull request) of a named project.
    pub other_ref: Best,
    /// A pull request of a named project is admitted.
    pub pull_request: bool,
}

/// The best witness of one kind so far: the one whose other fields most often take their
/// realistic example or a value the policy names (a branch `main` of the repository the
/// policy names reads better than a shortest value), among those of the first form found.
/// Ties keep the first, and only the first few are weighed, which bounds the cost.
#[derive(Debug, Clone, Default)]
pub(crate) struct Best {
    pub witness: Option<model::Witness>,
    score: usize,
    weighed: usize,
    done: bool,
}

/// Witnesses weighed per kind.
const WEIGHED: usize = 32;

impl Best {
    fn wants(&self) -> bool {
        !self.done
    }

    fn offer(&mut self, w: &model::Witness, score: usize, max: usize) {
        // The first form found stays: forms come in the model's order, branch runs first.
        let same_form = self.witness.as_ref().is_none_or(|b| b.form == w.form);
        if !same_form {
            self.done = true;
            return;
        }
        if self.witness.is_none() || score > self.score {
            self.witness = Some(w.clone());
            self.score = score;
        }
        self.weighed += 1;
        self.done = self.score >= max || self.weighed >= WEIGHED;
    }
}

/// The model's answer for one statement: facts per caller, or why it cannot decide.
#[derive(Debug)]
pub(crate) enum Answer {
    Decided(HashMap<String, Facts>),
    /// Unsupported or too complex: the statement is undecided (undecided-breadth).
    Refused(model::ModelError),
}

/// Does the model answer the breadth questions for this provider? For every provider with a
/// profile whose identity model is exact (see [`model::identity`]), an instance config
/// declares included (a GitHub Enterprise Server's own issuer follows the GitHub model), and
/// GitHub under every custom subject template the model renders, declared or read off the
/// statement's `sub` values ([`model::identity::renders_template`]).
pub(crate) fn covers(view: &StatementView<'_>, p: &ProviderView<'_>) -> bool {
    let Some(profile) = p.profile else {
        return false;
    };
    if profile.grammar.custom_templates {
        let inferred = view
            .on_claim(p, "sub")
            .flat_map(|c| &c.values)
            .flat_map(|v| github_templates_of(&v.raw));
        let renders = p
            .templates
            .iter()
            .cloned()
            .chain(inferred)
            .all(|t| model::identity::renders_template(&t));
        if !renders {
            return false;
        }
    }
    match p.claims {
        ClaimSet::GitHub | ClaimSet::Bitbucket | ClaimSet::CircleCi => true,
        // A profile without subject forms models `sub` as one free field: no tenant, project
        // or ref to ask about.
        _ => !profile.subject.is_empty(),
    }
}

/// The issuers config declares instances of, with their kind, for [`Options::declared`]: a
/// generated kind's model is built from the declared profile, a hand-written kind's model
/// takes the declared issuer. A config declares few, so all of them.
pub(crate) fn declared(ctx: &LintContext<'_>) -> Vec<(String, &'static crate::providers::Profile)> {
    ctx.config
        .instances
        .iter()
        .map(|i| (i.issuer.clone(), i.kind))
        .collect()
}

/// The custom subject templates config declares, per issuer, for [`Options::templates`].
pub(crate) fn declared_templates(ctx: &LintContext<'_>) -> Vec<(String, Vec<Vec<String>>)> {
    ctx.config
        .instances
        .iter()
        .filter(|i| !i.templates.is_empty())
        .map(|i| (i.issuer.clone(), i.templates.clone()))
        .collect()
}

/// Answers by statement document: an account deploys one template to many roles, and a
/// policy repeats a statement under many Sids.
static ANSWERS: LazyLock<Memo<Arc<Answer>>> = LazyLock::new(|| Memo::new(4096));

/// The model's answer for statement `s` of `ctx` (with the policy's Deny statements).
pub(crate) fn answer(ctx: &LintContext<'_>, s: usize) -> Option<Arc<Answer>> {
    let own = ctx.own_and_denies(s)?;
    let opts = Options {
        declared: declared(ctx),
        templates: declared_templates(ctx),
        ..Options::default()
    };
    let mut key = ctx.own_text(s)?.to_string();
    // Declared instances change the identity model: part of the key, by content (the
    // templates a statement's `sub` values are written for are in its text already).
    for (issuer, kind) in &opts.declared {
        key.push_str(&format!("\u{0}{issuer}={}", kind.id));
    }
    for (issuer, templates) in &opts.templates {
        key.push_str(&format!("\u{0}{issuer}:{templates:?}"));
    }
    Some(ANSWERS.get_or(key, || Arc::new(decide(own, &opts))))
}

fn decide(policy: &Policy, opts: &Options) -> Answer {
    let mut facts: HashMap<String, Facts> = HashMap::new();
    let text = policy.to_json().to_string();
    let visited = model::admitted(policy, opts, |sight| {
        let f = facts.entry(sight.principal.to_string()).or_default();
        observe(f, sight, &text);
    });
    match visited {
        Ok(_) => Answer::Decided(facts),
        Err(e) => Answer::Refused(e),
    }
}

/// Record what one admitted request shows. `text` is the policy's, to prefer witnesses that
/// stay with the values it names.
fn observe(f: &mut Facts, sight: &Sight<'_>, text: &str) {
    // A group between tenant and project (a GitLab subgroup, an HCP Terraform project, a
    // Kubernetes namespace) identifies neither: `project_path:acme/*` admits every project of
    // group acme, subgroups' included, because the project is fresh (tenant-wide), while a
    // fresh group under a named project (`acme/*/app`, `system:serviceaccount:*:deployer`) is
    // the narrower breach any-namespace-subject reports, and on HCP Terraform, whose workspace
    // names are unique in the organization, the same workspace moved to another project.
    let fields = |want: Role| -> Vec<usize> {
        sight
            .form
            .fields
            .iter()
            .enumerate()
            .filter(|(_, spec)| spec.role == Some(want))
            .map(|(i, _)| i)
            .collect()
    };
    let all_fresh = |v: &[usize]| !v.is_empty() && v.iter().all(|&i| sight.fresh(i));
    let project = fields(Role::Project);
    // A project's id names its tenant too (a GitLab `project_id` lies in one top-level group):
    // where the form names a tenant, the tenant is fresh only when those ids are as well.
    let mut tenant = fields(Role::Tenant);
    if !tenant.is_empty() {
        let ids = project
            .iter()
            .filter(|&&i| sight.form.fields.get(i).is_some_and(|spec| spec.is_id));
        tenant.extend(ids);
    }
    // How realistic a witness is: its fields other than `fresh` at their example, absent, or
    // at a value the policy names.
    let score = |w: &model::Witness, fresh: &[usize]| {
        let realistic = sight
            .form
            .fields
            .iter()
            .zip(&w.fields)
            .enumerate()
            .filter(|(i, (spec, (_, v)))| {
                // Who the caller is should be what the policy names; the rest may be the
                // realistic example.
                let identifies = tenant.contains(i) || project.contains(i);
                !fresh.contains(i)
                    && v.as_deref()
                        .is_none_or(|v| text.contains(v) || (!identifies && v == spec.example))
            })
            .count();
        (
            realistic,
            sight.form.fields.len().saturating_sub(fresh.len()),
        )
    };
    let offer = |own: &mut Best, any: &mut Best, fresh: &[usize]| {
        if !own.wants() && !any.wants() {
            return;
        }
        let w = sight.witness(fresh);
        let (s, max) = score(&w, fresh);
        if any.wants() {
            any.offer(&w, s, max);
        }
        if own.wants() && runs_own_workflow(sight, &w) {
            own.offer(&w, s, max);
        }
    };
    if all_fresh(&tenant) {
        offer(&mut f.other_tenant_own, &mut f.other_tenant, &tenant);
        return;
    }
    if all_fresh(&project) {
        offer(&mut f.other_project_own, &mut f.other_project, &project);
        return;
    }
    let pull_request = sight.form.change_request;
    f.pull_request |= pull_request;
    if !f.other_ref.wants() {
        return;
    }
    // A kind of run no condition names (HCP Terraform's `run_phase:*` admits `plan`, which
    // speculative plans of pull requests run) is another ref in all but name.
    let refs: Vec<usize> = fields(Role::Ref)
        .into_iter()
        .chain(fields(Role::Event))
        .filter(|&i| sight.fresh(i))
        .collect();
    if pull_request || !refs.is_empty() {
        let w = sight.witness(&refs);
        let (s, max) = score(&w, &refs);
        f.other_ref.offer(&w, s, max);
    }
}

/// Does the witness run its own repository's workflow (GitHub's `job_workflow_ref` as the
/// token of a job that calls no reusable workflow names it)? A policy that pins a central
/// workflow admits the repositories that call it, with that workflow's code only.
fn runs_own_workflow(sight: &Sight<'_>, w: &model::Witness) -> bool {
    let values: Vec<Option<String>> = w.fields.iter().map(|(_, v)| v.clone()).collect();
    sight.form.fields.iter().enumerate().all(|(fi, spec)| {
        spec.prefer.is_none()
            || match sight.form.preferred(fi, &values) {
                Some(want) => values.get(fi).and_then(Option::as_deref) == Some(want.as_str()),
                None => false,
            }
    })
}

/// The lint witness for a model witness: its claims cut to those a reader needs (`iss`,
/// `sub`, `aud` and the claims the policy's conditions name), kept whole when the cut token
/// would not be admitted. `who` says which fields no condition names.
pub(crate) fn lint_witness(
    ctx: &LintContext<'_>,
    s: usize,
    p: &ProviderView<'_>,
    w: &model::Witness,
    fresh: &[Role],
) -> Witness {
    // The claims the statement and the Deny statements name: the only ones that decide it
    // (reading every statement of the policy here made a policy of many statements quadratic).
    let own = ctx.own_and_denies(s);
    let named: Vec<String> = own
        .iter()
        .flat_map(|o| &o.statements)
        .flat_map(|st| &st.conditions)
        .filter_map(|c| super::context::claim_of(&c.key_lower, &p.prefix_lower))
        .collect();
    let mut cut = w.clone();
    cut.claims = w
        .claims
        .iter()
        .filter(|(k, _)| {
            let lower = k.to_ascii_lowercase();
            matches!(lower.as_str(), "iss" | "sub" | "aud") || named.contains(&lower)
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect::<Map<String, Value>>();
    let admitted = |x: &model::Witness| {
        own.is_some_and(|o| evaluate(o, &x.request()).verdict == Verdict::Allow)
    };
    let chosen = if admitted(&cut) { cut } else { w.clone() };
    Witness {
        claims: chosen.claims,
        source_ip: chosen.source_ip,
        principal: chosen.principal,
        who: who(w, fresh),
    }
}

/// What the model appends to a name the policy admits by its prefix (`acme-lookalike`).
const LOOKALIKE: &str = "-lookalike";

/// "a `branch` token from repo `rolecall-other-repo`": the form and the fresh fields the
/// `sub` shows.
pub(crate) fn who(w: &model::Witness, fresh: &[Role]) -> String {
    let sub = w.claims.get("sub").and_then(Value::as_str).unwrap_or("");
    let changed: Vec<String> = w
        .fields
        .iter()
        .zip(&w.roles)
        .filter(|(_, role)| role.is_some_and(|r| fresh.contains(&r)))
        .map(|(field, _)| field)
        .filter_map(|(name, v)| Some((name, v.as_deref()?)))
        .filter(|(_, v)| sub.contains(v))
        .map(|(name, v)| {
            if v.ends_with(LOOKALIKE) {
                format!("{name} `{v}` (a look-alike)")
            } else {
                format!("{name} `{v}`")
            }
        })
        .collect();
    if changed.is_empty() {
        // A custom template's `sub` may show none of them (`repository_owner:acme`): say
        // which the token carries.
        let carried: Vec<String> = w
            .fields
            .iter()
            .zip(&w.roles)
            .filter(|(_, role)| {
                role.is_some_and(|r| {
                    fresh.contains(&r) && matches!(r, Role::Tenant | Role::Project)
                })
            })
            .filter_map(|((name, v), _)| Some(format!("{name} `{}`", v.as_deref()?)))
            .collect();
        if carried.is_empty() {
            format!("a `{}` token", w.form)
        } else {
            format!(
                "a `{}` token of {} (its `sub` does not show it)",
                w.form,
                carried.join(", ")
            )
        }
    } else {
        format!("a `{}` token from {}", w.form, changed.join(", "))
    }
}

#[cfg(test)]
#[path = "admitted_tests.rs"]
mod tests;
