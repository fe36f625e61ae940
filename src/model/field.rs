//! The classes of values of each field of one identity form: values in one class make every
//! pattern on every claim the field is rendered into behave alike, whatever the other fields
//! hold. One representative value per class then stands for all of them.
//!
//! Fields are taken in template order. For each claim the search keeps the set of automaton
//! states the claim can be in where the field starts (the frontier); a field's class is what
//! it does to each of those states, read after the literal that follows it (or, at the end
//! of the claim, which patterns accept). A breadth-first search over the field's characters
//! finds every class, each with a shortest value.

use std::collections::{BTreeSet, HashMap, VecDeque};

use super::automaton::{KeyAutomaton, State};
use super::chars::alphabet;
use super::error::ModelError;
use super::identity::{DomainState, FieldSpec, Form, TPart};
use super::space::Options;

/// One class of a field.
#[derive(Debug, Clone)]
pub struct Class {
    /// `None`: the field is absent (and every claim rendered from it).
    pub value: Option<String>,
}

/// Where a field meets a claim's automaton.
struct Occurrence {
    claim: usize,
    starts: Vec<State>,
    /// Literal after the field, and whether the claim ends there.
    after: String,
    ends: bool,
}

/// Classes of every field of `form`, given each claim's automaton (`None` when no condition
/// tests it).
pub fn classes(
    form: &Form,
    automata: &[Option<KeyAutomaton>],
    opts: &Options,
) -> Result<Vec<Vec<Class>>, ModelError> {
    // Per claim: position in the template and the frontier of states there.
    let mut cursor: Vec<(usize, Vec<State>)> = automata
        .iter()
        .map(|a| (0, a.as_ref().map(|a| vec![a.start()]).unwrap_or_default()))
        .collect();
    let mut out = Vec::with_capacity(form.fields.len());
    for (fi, field) in form.fields.iter().enumerate() {
        let mut occ = Vec::new();
        for (ci, claim) in form.claims.iter().enumerate() {
            let (Some(Some(aut)), Some((pos, frontier))) = (automata.get(ci), cursor.get_mut(ci))
            else {
                continue;
            };
            // Step over literals up to the next field.
            while let Some(TPart::Lit(s)) = claim.parts.get(*pos) {
                *frontier = dedup(frontier.iter().map(|st| aut.step_str(st, s)).collect());
                *pos += 1;
            }
            if claim.parts.get(*pos) != Some(&TPart::Field(fi)) {
                continue;
            }
            let (after, ends) = match claim.parts.get(*pos + 1) {
                Some(TPart::Lit(s)) => (s.clone(), claim.parts.get(*pos + 2).is_none()),
                Some(TPart::Field(_)) => (String::new(), false),
                None => (String::new(), true),
            };
            occ.push(Occurrence {
                claim: ci,
                starts: frontier.clone(),
                after,
                ends,
            });
        }
        let found = search(field, &occ, automata, opts)?;
        // Advance each claim past the field: the new frontier is every class's state after
        // the following literal.
        for (k, o) in occ.iter().enumerate() {
            if let Some((pos, frontier)) = cursor.get_mut(o.claim) {
                *pos += if o.after.is_empty() { 1 } else { 2 };
                if !o.ends {
                    *frontier = dedup(
                        found
                            .iter()
                            .flat_map(|(obs, _)| obs.get(k).cloned().unwrap_or_default())
                            .collect(),
                    );
                }
                if frontier.len() > opts.max_field_states {
                    return Err(ModelError::TooComplex {
                        what: "a claim's automaton states",
                        cap: opts.max_field_states,
                    });
                }
            }
        }
        let mut classes: Vec<Class> = found
            .into_iter()
            .map(|(_, v)| Class { value: Some(v) })
            .collect();
        // Absence matters only where a condition names one of the field's claims.
        if field.optional && !occ.is_empty() {
            classes.push(Class { value: None });
        }
        out.push(classes);
    }
    Ok(out)
}

fn dedup(mut v: Vec<State>) -> Vec<State> {
    v.sort();
    v.dedup();
    v
}

/// What a value does, per occurrence, per start state.
type Observed = Vec<Vec<State>>;

fn observe(occ: &[Occurrence], automata: &[Option<KeyAutomaton>], cur: &[Vec<State>]) -> Observed {
    occ.iter()
        .zip(cur)
        .map(|(o, states)| {
            let Some(Some(aut)) = automata.get(o.claim) else {
                return Vec::new();
            };
            states
                .iter()
                .map(|s| {
                    let after = aut.step_str(s, &o.after);
                    if o.ends {
                        aut.accepting(&after)
                    } else {
                        after
                    }
                })
                .collect()
        })
        .collect()
}

/// Every class of values of `field`, with a representative each (the field's example or
/// outsider value when it falls in the class, else a shortest value).
fn search(
    field: &FieldSpec,
    occ: &[Occurrence],
    automata: &[Option<KeyAutomaton>],
    opts: &Options,
) -> Result<Vec<(Observed, String)>, ModelError> {
    let domain = &field.domain;
    let start: Vec<Vec<State>> = occ.iter().map(|o| o.starts.clone()).collect();
    let step = |cur: &[Vec<State>], c: char| -> Vec<Vec<State>> {
        occ.iter()
            .zip(cur)
            .map(|(o, states)| match automata.get(o.claim) {
                Some(Some(aut)) => states.iter().map(|s| aut.step(s, c)).collect(),
                _ => Vec::new(),
            })
            .collect()
    };
    let run = |text: &str| -> Option<Observed> {
        let mut d: DomainState = Some(0);
        let mut cur = start.clone();
        for c in text.chars() {
            d = domain.step(d, c);
            d?;
            cur = step(&cur, c);
        }
        domain.accepts(d).then(|| observe(occ, automata, &cur))
    };
    if occ.is_empty() {
        // Nothing tests the field: one class.
        let v = [&field.example, &field.other]
            .into_iter()
            .find(|v| domain.contains(v))
            .cloned()
            .unwrap_or_else(|| shortest(domain));
        return Ok(vec![(Vec::new(), v)]);
    }
    let mut lits = BTreeSet::new();
    let mut folded = false;
    for o in occ {
        if let Some(Some(aut)) = automata.get(o.claim) {
            folded |= aut.has_fold();
            for p in &aut.pats {
                lits.extend(p.literals());
            }
        }
    }
    let sigma = alphabet(&lits, folded, &domain.classes());
    let mut seen: HashMap<(DomainState, Vec<Vec<State>>), ()> = HashMap::new();
    let mut queue: VecDeque<(DomainState, Vec<Vec<State>>, String)> = VecDeque::new();
    let mut found: Vec<(Observed, String)> = Vec::new();
    let mut index: HashMap<Observed, usize> = HashMap::new();
    seen.insert((Some(0), start.clone()), ());
    queue.push_back((Some(0), start.clone(), String::new()));
    while let Some((d, cur, text)) = queue.pop_front() {
        if domain.accepts(d) {
            let obs = observe(occ, automata, &cur);
            if !index.contains_key(&obs) {
                index.insert(obs.clone(), found.len());
                found.push((obs, text.clone()));
            }
        }
        for &c in &sigma {
            let nd = domain.step(d, c);
            if nd.is_none() {
                continue;
            }
            let next = step(&cur, c);
            let key = (nd, next);
            if seen.contains_key(&key) {
                continue;
            }
            if seen.len() >= opts.max_field_states {
                return Err(ModelError::TooComplex {
                    what: "the states of one field's search",
                    cap: opts.max_field_states,
                });
            }
            let mut t = text.clone();
            t.push(c);
            seen.insert(key.clone(), ());
            queue.push_back((key.0, key.1, t));
        }
    }
    // Prefer the realistic values where they behave like the value found.
    for v in [&field.other, &field.example] {
        if let Some(obs) = run(v) {
            if let Some(&i) = index.get(&obs) {
                if let Some(slot) = found.get_mut(i) {
                    slot.1 = v.clone();
                }
            }
        }
    }
    Ok(found)
}

/// A shortest member of a domain with no realistic value.
fn shortest(domain: &super::identity::Domain) -> String {
    for c in ['a', '0', '{', '-'] {
        if domain.contains(&c.to_string()) {
            return c.to_string();
        }
    }
    "a".into()
}
