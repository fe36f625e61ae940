//! `who`: the identities a policy admits, per provider, in the provider's own terms.

use std::collections::{BTreeMap, BTreeSet};

use super::error::ModelError;
use super::space::{Group, Options, Space, Witness};
use crate::eval::{evaluate, Verdict};
use crate::policy::Policy;

/// Everything a policy admits.
#[derive(Debug, Clone)]
pub struct Who {
    pub lines: Vec<WhoLine>,
    /// Representative requests evaluated.
    pub requests: usize,
}

/// One way in: a caller and an identity form, with what it admits.
#[derive(Debug, Clone)]
pub struct WhoLine {
    pub provider: String,
    pub principal: String,
    pub form: String,
    /// The form in words, a field admitted whatever its value shown as `*`.
    pub summary: String,
    /// Fields the policy constrains (some value is refused), with the values admitted.
    pub constrained: Vec<(String, Vec<Option<String>>)>,
    /// Whether only some source addresses are admitted.
    pub address_limited: bool,
    pub witness: Witness,
}

#[derive(Default)]
struct Acc {
    witness: Option<Witness>,
    /// Per field: admitted class indices, and the value of each.
    admitted: Vec<BTreeMap<usize, Option<String>>>,
    counts: Vec<usize>,
    ips: BTreeSet<usize>,
    ip_total: usize,
}

/// The identities `policy` admits.
pub fn who(policy: &Policy, opts: &Options) -> Result<Who, ModelError> {
    let space = Space::new(&[policy], opts)?;
    let mut groups: BTreeMap<Group, Acc> = BTreeMap::new();
    let judge = |req: &crate::request::Request| evaluate(policy, req).verdict == Verdict::Allow;
    let requests = space.visit(judge, |point, &allowed, witness| {
        if !allowed {
            return;
        }
        let acc = groups.entry(point.group.clone()).or_default();
        if acc.admitted.is_empty() {
            acc.admitted = vec![BTreeMap::new(); point.pick.len()];
            acc.counts = point.counts.to_vec();
            acc.ip_total = point.ips;
        }
        acc.ips.insert(point.ip);
        let missing = point
            .pick
            .iter()
            .zip(&acc.admitted)
            .any(|(k, seen)| !seen.contains_key(k));
        if missing || acc.witness.is_none() {
            let w = witness(&[]);
            for ((k, seen), (_, v)) in point
                .pick
                .iter()
                .zip(acc.admitted.iter_mut())
                .zip(&w.fields)
            {
                seen.entry(*k).or_insert_with(|| v.clone());
            }
            if acc.witness.is_none() {
                acc.witness = Some(w);
            }
        }
    })?;
    let mut lines = Vec::new();
    for (g, acc) in groups {
        let Some(witness) = acc.witness else { continue };
        let (Some(principal), Some(model)) = (
            space.principals.get(g.principal),
            space.models.get(g.principal),
        ) else {
            continue;
        };
        let Some(form) = model.forms.get(g.form) else {
            continue;
        };
        let mut summary = form.words.clone();
        let mut constrained = Vec::new();
        for ((f, seen), total) in form.fields.iter().zip(&acc.admitted).zip(&acc.counts) {
            let values: Vec<Option<String>> = seen.values().cloned().collect();
            let shown = if seen.len() == *total {
                "*".to_string()
            } else {
                constrained.push((f.name.clone(), values.clone()));
                values
                    .iter()
                    .map(|v| v.clone().unwrap_or_else(|| "(none)".into()))
                    .collect::<Vec<_>>()
                    .join("|")
            };
            summary = summary.replace(&format!("{{{}}}", f.name), &shown);
        }
        lines.push(WhoLine {
            provider: model.provider.clone(),
            principal: principal.clone(),
            form: form.name.clone(),
            summary,
            constrained,
            address_limited: acc.ips.len() < acc.ip_total,
            witness,
        });
    }
    Ok(Who { lines, requests })
}
