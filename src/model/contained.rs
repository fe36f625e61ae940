//! `outside`: is every identity a policy admits inside a declared set? Exact containment: the
//! declared field patterns are classes of their own ([`Options::distinguish`]), so one
//! representative per class decides every identity, and an admitted identity outside the set
//! comes back as a witness the evaluator allowed.

use std::collections::BTreeMap;

use super::error::ModelError;
use super::identity::Form;
use super::space::{Group, Options, Space, Witness};
use crate::eval::{evaluate, Verdict};
use crate::policy::Policy;

/// What a policy admits outside the set: one witness per caller and identity form.
#[derive(Debug, Clone)]
pub struct Outside {
    pub witnesses: Vec<Witness>,
    /// Representative requests evaluated.
    pub requests: usize,
}

/// The identities `policy` admits for which `inside(principal, form, values)` is false;
/// `values` are the form's fields in order (`None`: absent). `inside` must depend on a field
/// only through the patterns `opts.distinguish` lists for it (or on the field's presence),
/// so that one class representative answers for the whole class.
pub fn outside(
    policy: &Policy,
    opts: &Options,
    inside: impl Fn(&str, &Form, &[Option<&str>]) -> bool,
) -> Result<Outside, ModelError> {
    let space = Space::new(&[policy], opts)?;
    let mut found: BTreeMap<Group, Witness> = BTreeMap::new();
    let judge = |req: &crate::request::Request| evaluate(policy, req).verdict == Verdict::Allow;
    let requests = space.visit(judge, |point, &allowed, witness| {
        if !allowed {
            return;
        }
        let settled = found
            .get(point.group)
            .is_some_and(|w: &Witness| w.now == opts.now);
        if settled {
            return;
        }
        let Some(principal) = space.principals.get(point.group.principal) else {
            return;
        };
        if inside(principal, point.form, point.values) {
            return;
        }
        // Prefer a witness at the default time: lint's witnesses carry no time of their own.
        let w = witness(&[]);
        if w.now == opts.now || !found.contains_key(point.group) {
            found.insert(point.group.clone(), w);
        }
    })?;
    Ok(Outside {
        witnesses: found.into_values().collect(),
        requests,
    })
}

/// Is the admitted set empty?
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admitted {
    /// Some request is allowed (the search stopped at the first).
    Someone,
    /// No request is: every one of `requests` representatives was refused.
    NoOne { requests: usize },
}

/// Whether `policy` admits anyone, stopping at the first allowed representative: a lint
/// asks this of every policy, and most admit someone among their first requests.
pub fn admits_anyone(policy: &Policy, opts: &Options) -> Result<Admitted, ModelError> {
    let space = Space::new(&[policy], opts)?;
    let mut found = false;
    let judge = |req: &crate::request::Request| evaluate(policy, req).verdict == Verdict::Allow;
    let requests = space.visit(judge, |_, &allowed, _| {
        if allowed {
            found = true;
            space.stop();
        }
    })?;
    Ok(if found {
        Admitted::Someone
    } else {
        Admitted::NoOne { requests }
    })
}
