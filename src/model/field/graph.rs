//! The field search in two passes, which find exactly what one breadth-first search over
//! (domain state, automaton states, state in the patterns' literal text) finds, at a fraction
//! of its cost:
//! 1. [`Graph::explore`] searches (domain state, automaton states) alone: its nodes are the
//!    classes' building blocks, and its first value per class is the class's least shortest
//!    value (breadth first, characters in order).
//! 2. [`Graph::fresh_values`] runs the product with the literal text over that graph's edges
//!    (two small integers per node, no automaton steps), and only where a class still lacks a
//!    fresh value can be reached: most of the product is values that stay part of the
//!    patterns' text in a class that already has a fresh value, and the one-pass search spent
//!    most of its time there.
//!
//! Both passes expand characters in the same order and mark first visits, so each class gets
//! the same representative and the same shortest fresh value as the one-pass search.

use std::collections::VecDeque;

use super::super::dfa::{Dfa, FxMap, Sid, Work};
use super::super::error::ModelError;
use super::super::identity::{Domain, DomainState};
use super::super::space::Options;
use super::{observe, step_into, Found, Named, NamedState, Occurrence};

/// No edge: the character leaves the field's domain.
const NONE: u32 = u32::MAX;

/// Classes past which the second pass stops pruning (a node's classes are one 64-bit word):
/// it then visits the whole product, as the one-pass search did.
const MAX_PRUNED_CLASSES: usize = 64;

/// The (domain state, automaton states) graph of one field.
pub(super) struct Graph {
    /// Per node, in breadth-first order: domain state, automaton states, first value.
    nodes: Vec<(DomainState, Vec<Sid>, String)>,
    /// Per node, per character of the alphabet: the node it leads to, or [`NONE`].
    next: Vec<u32>,
    width: usize,
    /// Per node: its class, when the domain accepts its values.
    class: Vec<Option<usize>>,
}

impl Graph {
    pub(super) fn explore(
        domain: &Domain,
        occ: &[Occurrence],
        dfas: &mut [Dfa],
        start: &[Sid],
        sigma: &[char],
        opts: &Options,
        work: &Work,
    ) -> Result<Graph, ModelError> {
        let per_node = (sigma.len() * start.len().max(1)) as u64;
        let mut g = Graph {
            nodes: vec![(Some(0), start.to_vec(), String::new())],
            next: Vec::new(),
            width: sigma.len(),
            class: Vec::new(),
        };
        // Keyed by the domain state followed by the automaton states, so a step's states can be
        // looked up from a reused buffer: most steps lead to a node already seen.
        let mut seen: FxMap<Vec<Sid>, u32> = FxMap::default();
        let mut buf: Vec<Sid> = Vec::new();
        let key_of = |d: usize, states: &[Sid], buf: &mut Vec<Sid>| {
            buf.clear();
            buf.push(Sid::try_from(d).unwrap_or(Sid::MAX));
            buf.extend_from_slice(states);
        };
        key_of(0, start, &mut buf);
        seen.insert(buf.clone(), 0);
        let mut states: Vec<Sid> = Vec::new();
        // Nodes are numbered in the order they are found, which is the order they are
        // expanded: the queue is the tail of `nodes`.
        let mut at = 0;
        while let Some((d, cur, text)) = g.nodes.get(at).cloned() {
            work.spend(per_node)?;
            for &c in sigma {
                let Some(nd) = domain.step(d, c) else {
                    g.next.push(NONE);
                    continue;
                };
                step_into(occ, dfas, &cur, c, work, &mut states)?;
                key_of(nd, &states, &mut buf);
                if let Some(&id) = seen.get(buf.as_slice()) {
                    g.next.push(id);
                    continue;
                }
                if seen.len() >= opts.max_field_states {
                    return Err(too_complex(opts));
                }
                let id = u32::try_from(g.nodes.len()).map_err(|_| too_complex(opts))?;
                let mut t = text.clone();
                t.push(c);
                g.nodes.push((Some(nd), states.clone(), t));
                seen.insert(buf.clone(), id);
                g.next.push(id);
            }
            at += 1;
        }
        Ok(g)
    }

    /// Every class, in the order its first value is found, with that value and no fresh
    /// value yet.
    pub(super) fn classes(
        &mut self,
        domain: &Domain,
        occ: &[Occurrence],
        dfas: &mut [Dfa],
        work: &Work,
    ) -> Result<Vec<Found>, ModelError> {
        let mut found: Vec<Found> = Vec::new();
        let mut index: FxMap<Vec<Sid>, usize> = FxMap::default();
        self.class = Vec::with_capacity(self.nodes.len());
        for (d, cur, text) in &self.nodes {
            if !domain.accepts(*d) {
                self.class.push(None);
                continue;
            }
            let obs = observe(occ, dfas, cur, work)?;
            let i = match index.get(&obs) {
                Some(&i) => i,
                None => {
                    index.insert(obs.clone(), found.len());
                    found.push(Found {
                        obs,
                        value: text.clone(),
                        fresh: None,
                    });
                    found.len() - 1
                }
            };
            self.class.push(Some(i));
        }
        Ok(found)
    }

    /// Give each class the shortest value (least in character order) that is no part of the
    /// patterns' literal text, where it has one.
    pub(super) fn fresh_values(
        &self,
        named: &Named,
        sigma: &[char],
        found: &mut [Found],
        opts: &Options,
        work: &Work,
    ) -> Result<(), ModelError> {
        let mut missing = found.len();
        let reach = self.reachable(found.len());
        // Classes still without a fresh value, as bits (all ones when not pruning).
        let mut lacking: u64 = match reach {
            Some(_) => (0..found.len()).fold(0, |m, k| m | 1u64 << k),
            None => u64::MAX,
        };
        // Can a value from node `n` still end in a class without a fresh value?
        let useful = |n: u32, lacking: u64| match &reach {
            None => true,
            Some(reach) => reach.get(n as usize).is_some_and(|&r| r & lacking != 0),
        };
        let mut seen: FxMap<(u32, NamedState), ()> = FxMap::default();
        let mut queue: VecDeque<(u32, NamedState, String)> = VecDeque::new();
        seen.insert((0, Some(0)), ());
        queue.push_back((0, Some(0), String::new()));
        while let Some((n, at, text)) = queue.pop_front() {
            if missing == 0 {
                break;
            }
            work.spend(sigma.len() as u64)?;
            if let Some(Some(k)) = self.class.get(n as usize) {
                if let Some(f) = found.get_mut(*k) {
                    if at.is_none() && f.fresh.is_none() {
                        f.fresh = Some(text.clone());
                        missing -= 1;
                        if reach.is_some() {
                            lacking &= !(1u64 << k);
                        }
                    }
                }
            }
            let base = n as usize * self.width;
            for (j, &c) in sigma.iter().enumerate() {
                let m = self.next.get(base + j).copied().unwrap_or(NONE);
                if m == NONE || !useful(m, lacking) {
                    continue;
                }
                let key = (m, named.step(at, c));
                if seen.contains_key(&key) {
                    continue;
                }
                if seen.len() >= opts.max_field_states {
                    return Err(too_complex(opts));
                }
                let mut t = text.clone();
                t.push(c);
                queue.push_back((key.0, key.1, t));
                seen.insert(key, ());
            }
        }
        Ok(())
    }

    /// Per node, the classes its values can end in (bit `k` for class `k`), by propagating
    /// each accepting node's class back along the edges; `None` past [`MAX_PRUNED_CLASSES`].
    fn reachable(&self, classes: usize) -> Option<Vec<u64>> {
        if classes > MAX_PRUNED_CLASSES {
            return None;
        }
        let mut preds: Vec<Vec<u32>> = vec![Vec::new(); self.nodes.len()];
        for (i, &m) in self.next.iter().enumerate() {
            if let (Some(p), Ok(from)) = (
                preds.get_mut(m as usize),
                u32::try_from(i / self.width.max(1)),
            ) {
                p.push(from);
            }
        }
        let mut reach: Vec<u64> = self
            .class
            .iter()
            .map(|k| k.map_or(0, |k| 1u64 << k))
            .collect();
        let mut pending: Vec<u32> = (0..self.nodes.len())
            .filter(|&i| reach.get(i).is_some_and(|&r| r != 0))
            .filter_map(|i| u32::try_from(i).ok())
            .collect();
        while let Some(n) = pending.pop() {
            let mine = reach.get(n as usize).copied().unwrap_or(0);
            for &p in preds.get(n as usize).map(Vec::as_slice).unwrap_or_default() {
                if let Some(theirs) = reach.get_mut(p as usize) {
                    if *theirs | mine != *theirs {
                        *theirs |= mine;
                        pending.push(p);
                    }
                }
            }
        }
        Some(reach)
    }
}

fn too_complex(opts: &Options) -> ModelError {
    ModelError::TooComplex {
        what: "the states of one field's search",
        cap: opts.max_field_states,
    }
}
