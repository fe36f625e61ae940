//! One admitted token meeting a condition, read off the exact model ([`crate::model::admitted`]):
//! the witnesses of rules that are not about breadth (a token without a claim, with session
//! tags, of another identity pool). The model renders every token from one identity, so its
//! claims agree; an edit is applied only where a provider would issue the edited token too, and
//! the evaluator confirms the result against the policy, as `rolecall check` would replay it.
//!
//! Where the model cannot answer (it refuses the policy, or does not model the provider yet)
//! the answer is a [`Refusal`], never a guess: rules keep their structural finding without a
//! witness and say why.

use serde_json::{Map, Value};

use super::context::{ProviderView, StatementView};
use super::{LintContext, Witness};
use crate::eval::{evaluate, Verdict};
use crate::model::{self, ModelError, Options, Sight};

/// Why no token could be read off the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The model does not model this provider's tokens (yet).
    NotCovered(String),
    /// The model refused the policy: unsupported, or past a cap.
    Model(ModelError),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NotCovered(why) => f.write_str(why),
            Refusal::Model(e) => write!(f, "{e}"),
        }
    }
}

/// What a rule asks for. `pick` chooses a representative request (and which of its fields take
/// their fresh value), `accept` judges the token rendered from it, `edit` changes that token's
/// claims before the evaluator judges it.
pub(crate) struct Query<'q> {
    pub who: &'q str,
    /// When not empty, `who` is instead the token's form and its fields of these roles.
    pub roles: &'q [crate::providers::Role],
    /// When set, `who` is instead this of the model's token (before any cut).
    pub describe: Option<&'q dyn Fn(&model::Witness) -> String>,
    pub pick: &'q dyn Fn(&Sight<'_>) -> Option<Vec<usize>>,
    pub accept: &'q dyn Fn(&model::Witness) -> bool,
    pub edit: &'q dyn Fn(&mut Map<String, Value>),
}

fn any_sight(_: &Sight<'_>) -> Option<Vec<usize>> {
    Some(Vec::new())
}

fn any_token(_: &model::Witness) -> bool {
    true
}

fn no_edit(_: &mut Map<String, Value>) {}

impl<'q> Query<'q> {
    /// Any admitted token, unedited.
    pub fn any(who: &'q str) -> Self {
        Query {
            who,
            roles: &[],
            describe: None,
            pick: &any_sight,
            accept: &any_token,
            edit: &no_edit,
        }
    }

    pub fn pick(self, pick: &'q dyn Fn(&Sight<'_>) -> Option<Vec<usize>>) -> Self {
        Query { pick, ..self }
    }

    pub fn described_by(self, roles: &'q [crate::providers::Role]) -> Self {
        Query { roles, ..self }
    }

    pub fn described_with(self, describe: &'q dyn Fn(&model::Witness) -> String) -> Self {
        Query {
            describe: Some(describe),
            ..self
        }
    }

    pub fn accept(self, accept: &'q dyn Fn(&model::Witness) -> bool) -> Self {
        Query { accept, ..self }
    }

    pub fn edit(self, edit: &'q dyn Fn(&mut Map<String, Value>)) -> Self {
        Query { edit, ..self }
    }
}

/// Does the model render this provider's tokens as the provider issues them? The breadth
/// questions' coverage ([`super::admitted::covers`]), and besides it every provider whose
/// subject is one free field (no profile, or a generated one without subject forms).
pub(crate) fn coverage(view: &StatementView<'_>, p: &ProviderView<'_>) -> Result<(), Refusal> {
    let Some(profile) = p.profile else {
        return Ok(());
    };
    if super::admitted::covers(view, p) {
        return Ok(());
    }
    // `covers` refuses a provider with a profile only for a custom subject template the
    // GitHub model cannot render, or a profile with no subject forms (nothing to ask).
    if !profile.subject.is_empty() {
        return Err(Refusal::NotCovered(
            "a GitHub custom subject template that names one field twice (as \
             `repository_owner` with `repo` does) is not modelled"
                .into(),
        ));
    }
    Ok(())
}

/// The options every lint question of the model passes (declared instances).
pub(crate) fn options(ctx: &LintContext<'_>) -> Options {
    Options {
        declared: super::admitted::declared(ctx),
        templates: super::admitted::declared_templates(ctx),
        ..Options::default()
    }
}

/// An admitted token of statement `view` (with the policy's Deny statements) for caller `p`
/// that `q` picks and accepts, edited by `q.edit` and confirmed by the evaluator. `Ok(None)`:
/// the model decided there is none (or no token of this issuer replays as `p`).
pub(crate) fn token_where(
    ctx: &LintContext<'_>,
    view: &StatementView<'_>,
    p: &ProviderView<'_>,
    q: &Query<'_>,
) -> Result<Option<Witness>, Refusal> {
    // A template the model cannot render leaves its tokens out of the model's answer: a token
    // found without them is still one the policy admits, but "none" is not an answer then.
    let covered = coverage(view, p);
    // A witness is replayed as `check --claims` derives the caller from `iss` (the policy's
    // first provider of that URL): another account's provider of the same URL is never it.
    if ctx.caller_for(&format!("https://{}", p.prefix)) != p.principal {
        return covered.map(|()| None);
    }
    let principal = p.principal;
    match first_token(ctx, view, &|sight| sight.principal == principal, q)? {
        Some(w) => Ok(Some(w)),
        None => covered.map(|()| None),
    }
}

/// The first token of any caller `caller` accepts, as [`token_where`] finds it (a statement
/// that trusts everyone is asked about callers of any provider). Its principal is the one
/// `check --claims` derives from its `iss`, so that it replays.
pub(crate) fn first_token(
    ctx: &LintContext<'_>,
    view: &StatementView<'_>,
    caller: &dyn Fn(&Sight<'_>) -> bool,
    q: &Query<'_>,
) -> Result<Option<Witness>, Refusal> {
    let Some(own) = ctx.own_and_denies(view.index) else {
        return Ok(None);
    };
    let opts = options(ctx);
    let now = opts.now;
    let mut found: Option<Witness> = None;
    model::admitted(own, &opts, |sight| {
        if found.is_some() || !caller(sight) {
            return;
        }
        let Some(fresh) = (q.pick)(sight) else {
            return;
        };
        let w = sight.witness(&fresh);
        // Lint's witnesses carry no time: one at the default time replays as shown.
        if w.now != now || !(q.accept)(&w) {
            return;
        }
        if let Some(shown) = confirmed(ctx, view, &w, q) {
            found = Some(shown);
            sight.stop();
        }
    })
    .map_err(Refusal::Model)?;
    Ok(found)
}

/// The edited token, cut to the claims a reader needs, if the policy still admits it.
fn confirmed(
    ctx: &LintContext<'_>,
    view: &StatementView<'_>,
    w: &model::Witness,
    q: &Query<'_>,
) -> Option<Witness> {
    let iss = w.claims.get("iss").and_then(Value::as_str)?;
    let principal = ctx.caller_for(iss);
    let mut edited = w.clone();
    (q.edit)(&mut edited.claims);
    edited.principal = principal.clone();
    // The claims the statement and the Deny statements name, and whatever the edit set.
    let named: Vec<String> = ctx
        .own_and_denies(view.index)
        .iter()
        .flat_map(|o| &o.statements)
        .flat_map(|st| &st.conditions)
        .filter_map(|c| c.key_lower.split_once(':').map(|(_, k)| k.to_string()))
        .collect();
    let mut cut = edited.clone();
    cut.claims.retain(|k, v| {
        let lower = k.to_ascii_lowercase();
        matches!(lower.as_str(), "iss" | "sub" | "aud")
            || named.contains(&lower)
            || w.claims.get(k) != Some(v)
    });
    let own_allows = |x: &model::Witness| {
        ctx.own_and_denies(view.index)
            .is_some_and(|o| evaluate(o, &x.request()).verdict == Verdict::Allow)
    };
    let allows = |x: &model::Witness| {
        own_allows(x) || evaluate(ctx.policy, &x.request()).verdict == Verdict::Allow
    };
    // The cut token only where the statement itself admits it: an unedited token then depends
    // on the statement alone, as the memos keyed by it need ([`LintContext::statement_key`]).
    let chosen = if own_allows(&cut) {
        cut
    } else if allows(&edited) {
        edited
    } else {
        return None;
    };
    Some(Witness {
        claims: chosen.claims,
        source_ip: chosen.source_ip,
        principal,
        who: match q.describe {
            Some(describe) => describe(w),
            None if q.roles.is_empty() => q.who.to_string(),
            None => super::admitted::who(w, q.roles),
        },
    })
}

/// The fields of the sight's form that render claim `claim` (ASCII case ignored).
pub(crate) fn fields_of_claim(sight: &Sight<'_>, claim: &str) -> Vec<usize> {
    sight
        .form
        .claims
        .iter()
        .filter(|c| c.claim.eq_ignore_ascii_case(claim))
        .flat_map(|c| &c.parts)
        .filter_map(|part| match part {
            model::identity::TPart::Field(fi) => Some(*fi),
            model::identity::TPart::Lit(_) => None,
        })
        .collect()
}

/// The message's note for a finding whose witness the model could not give.
pub(crate) fn unconfirmed(why: &Refusal) -> String {
    format!("no witness: it could not be confirmed ({why})")
}
