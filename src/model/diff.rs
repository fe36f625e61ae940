//! `diff`: is there a request HEAD allows and BASE does not?

use std::collections::BTreeMap;

use super::error::ModelError;
use super::space::{Group, Options, Space, Witness};
use crate::eval::{evaluate, Verdict};
use crate::policy::Policy;

/// The answer, both ways.
#[derive(Debug, Clone)]
pub struct Diff {
    /// Requests HEAD allows and BASE denies, one witness per caller and identity form.
    pub widened: Vec<Way>,
    /// Requests BASE allows and HEAD denies (information).
    pub narrowed: Vec<Way>,
    /// Representative requests evaluated.
    pub requests: usize,
}

impl Diff {
    pub fn is_wider(&self) -> bool {
        !self.widened.is_empty()
    }
}

/// One distinct way in (or out).
#[derive(Debug, Clone)]
pub struct Way {
    /// "HEAD also admits GitHub Actions pull-request runs of `acme/app`".
    pub sentence: String,
    pub witness: Witness,
    /// Representative requests of this way (a measure of breadth, not a count of tokens).
    pub representatives: usize,
}

/// Compare BASE with HEAD.
pub fn diff(base: &Policy, head: &Policy, opts: &Options) -> Result<Diff, ModelError> {
    let space = Space::new(&[base, head], opts)?;
    let mut wide: BTreeMap<Group, (Witness, usize)> = BTreeMap::new();
    let mut narrow: BTreeMap<Group, (Witness, usize)> = BTreeMap::new();
    let judge = |req: &crate::request::Request| {
        (
            evaluate(base, req).verdict == Verdict::Allow,
            evaluate(head, req).verdict == Verdict::Allow,
        )
    };
    let requests = space.visit(judge, |point, &(b, h), witness| {
        let slot = match (b, h) {
            (false, true) => &mut wide,
            (true, false) => &mut narrow,
            _ => return,
        };
        slot.entry(point.group.clone())
            .and_modify(|(_, n)| *n += 1)
            .or_insert_with(|| (witness(&[]), 1));
    })?;
    let ways = |m: BTreeMap<Group, (Witness, usize)>, verb: &str| -> Vec<Way> {
        m.into_values()
            .map(|(w, n)| Way {
                sentence: format!("{verb} {} {}{}", w.provider, w.words, address(&w)),
                witness: w,
                representatives: n,
            })
            .collect()
    };
    Ok(Diff {
        widened: ways(wide, "HEAD also admits"),
        narrowed: ways(narrow, "HEAD no longer admits"),
        requests,
    })
}

fn address(w: &Witness) -> String {
    match w.source_ip {
        Some(ip) => format!(" from {ip}"),
        None => String::new(),
    }
}
