//! A claim's automaton determinized on demand, once per query: every set of pattern
//! positions reached gets a small id the first time it is seen, and every step from an id by
//! a character is computed once. The field search and the request signatures then work on
//! ids, never on bitsets.
//!
//! All the work a query does is charged to one [`Work`] budget, so a policy whose automata
//! blow up is refused after a bounded amount of work, not only after its states are counted.

use std::cell::Cell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::automaton::{KeyAutomaton, State};
use super::error::ModelError;

/// FxHash (rustc's hasher): the keys are small integers and chars the model made itself, so
/// a keyed hash buys nothing and SipHash dominated the search.
#[derive(Default, Clone, Copy)]
pub struct Fx(u64);

impl Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    /// A word at a time: automaton states hash as slices of `u64`, and hashing them a byte
    /// at a time was a tenth of a `diff`.
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            self.write_u64(u64::from_le_bytes(b));
        }
        for b in words.remainder() {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// The work one query may do, in elementary steps (one pattern element stepped by one
/// character, one search state expanded by one character, one request visited). Past the cap
/// the answer is [`ModelError::TooComplex`].
pub struct Work {
    used: Cell<u64>,
    cap: u64,
}

impl Work {
    pub fn new(cap: u64) -> Self {
        Work {
            used: Cell::new(0),
            cap,
        }
    }

    pub fn spend(&self, n: u64) -> Result<(), ModelError> {
        let used = self.used.get().saturating_add(n);
        self.used.set(used);
        if used > self.cap {
            return Err(ModelError::TooComplex {
                what: "the work of the search (automaton steps)",
                cap: usize::try_from(self.cap).unwrap_or(usize::MAX),
            });
        }
        Ok(())
    }

    #[cfg(test)]
    pub fn used(&self) -> u64 {
        self.used.get()
    }
}

/// An automaton state id.
pub type Sid = u32;

/// One claim's patterns, determinized lazily.
pub struct Dfa {
    pub aut: KeyAutomaton,
    states: Vec<State>,
    index: FxMap<State, Sid>,
    steps: FxMap<(Sid, char), Sid>,
    /// Which patterns accept, per state id, as an id of its own.
    accept: Vec<Option<Sid>>,
    accept_index: FxMap<Vec<u64>, Sid>,
    /// The cost of computing one new step: the pattern elements a character is run over.
    step_cost: u64,
    max_states: usize,
}

impl Dfa {
    pub fn new(aut: KeyAutomaton, max_states: usize) -> Self {
        let step_cost = 1 + aut.size() as u64;
        let mut d = Dfa {
            aut,
            states: Vec::new(),
            index: FxMap::default(),
            steps: FxMap::default(),
            accept: Vec::new(),
            accept_index: FxMap::default(),
            step_cost,
            max_states,
        };
        let start = d.aut.start();
        d.states.push(start.clone());
        d.index.insert(start, 0);
        d.accept.push(None);
        d
    }

    pub const START: Sid = 0;

    pub fn has_fold(&self) -> bool {
        self.aut.has_fold()
    }

    /// The state after reading `c` from `s`.
    pub fn step(&mut self, s: Sid, c: char, work: &Work) -> Result<Sid, ModelError> {
        if let Some(&n) = self.steps.get(&(s, c)) {
            return Ok(n);
        }
        work.spend(self.step_cost)?;
        let bits = self
            .states
            .get(s as usize)
            .map(|b| self.aut.step(b, c))
            .unwrap_or_default();
        let n = self.intern(bits)?;
        self.steps.insert((s, c), n);
        Ok(n)
    }

    pub fn step_str(&mut self, s: Sid, text: &str, work: &Work) -> Result<Sid, ModelError> {
        let mut cur = s;
        for c in text.chars() {
            cur = self.step(cur, c, work)?;
        }
        Ok(cur)
    }

    /// The set of patterns accepting in `s`, as an id (equal ids: equal sets).
    pub fn accepting(&mut self, s: Sid) -> Sid {
        if let Some(Some(a)) = self.accept.get(s as usize) {
            return *a;
        }
        let bits = self
            .states
            .get(s as usize)
            .map(|b| self.aut.accepting(b))
            .unwrap_or_default();
        let next = Sid::try_from(self.accept_index.len()).unwrap_or(Sid::MAX);
        let a = *self.accept_index.entry(bits).or_insert(next);
        if let Some(slot) = self.accept.get_mut(s as usize) {
            *slot = Some(a);
        }
        a
    }

    fn intern(&mut self, bits: State) -> Result<Sid, ModelError> {
        if let Some(&id) = self.index.get(&bits) {
            return Ok(id);
        }
        if self.states.len() >= self.max_states {
            return Err(ModelError::TooComplex {
                what: "a claim's automaton states",
                cap: self.max_states,
            });
        }
        let id = Sid::try_from(self.states.len()).unwrap_or(Sid::MAX);
        self.states.push(bits.clone());
        self.index.insert(bits, id);
        self.accept.push(None);
        Ok(id)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::automaton::Pat;
    use crate::pattern::{tokens, wildcard_match};

    fn dfa(pats: &[&str]) -> Dfa {
        let pats = pats.iter().map(|p| Pat::new(&tokens(p), false)).collect();
        Dfa::new(KeyAutomaton::new(pats), 1000)
    }

    #[test]
    fn ids_agree_with_the_matcher_and_equal_sets_share_an_id() {
        let pats = ["repo:acme/*", "repo:*:pull_request", "a?c"];
        let mut d = dfa(&pats);
        let work = Work::new(1_000_000);
        let values = [
            "repo:acme/app",
            "repo:x:pull_request",
            "abc",
            "repo:acme/:pull_request",
        ];
        let mut ids = Vec::new();
        for v in values {
            let s = d.step_str(Dfa::START, v, &work).unwrap();
            let a = d.accepting(s);
            ids.push(a);
            let want: Vec<bool> = pats.iter().map(|p| wildcard_match(p, v)).collect();
            // Same acceptance as another value: same id, and vice versa.
            for (w, &b) in values.iter().zip(&ids) {
                let other: Vec<bool> = pats.iter().map(|p| wildcard_match(p, w)).collect();
                assert_eq!(a == b, want == other, "{v} {w}");
            }
        }
    }

    #[test]
    fn steps_are_computed_once_and_charged_to_the_budget() {
        let mut d = dfa(&["a*b"]);
        let work = Work::new(1_000_000);
        d.step_str(Dfa::START, "aab", &work).unwrap();
        let after_first = work.used();
        d.step_str(Dfa::START, "aab", &work).unwrap();
        assert_eq!(
            work.used(),
            after_first,
            "a repeated walk costs nothing new"
        );
        let tight = Work::new(2);
        assert!(matches!(
            d.step_str(Dfa::START, "zzzz", &tight),
            Err(ModelError::TooComplex { .. })
        ));
    }
}
