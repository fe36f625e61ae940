//! The classes of values of each field of one identity form: values in one class make every
//! pattern on every claim the field is rendered into behave alike, whatever the other fields
//! hold. One representative value per class then stands for all of them.
//!
//! Fields are taken in template order. For each claim the search keeps the set of automaton
//! states the claim can be in where the field starts (the frontier); a field's class is what
//! it does to each of those states, read after the literal that follows it (or, at the end
//! of the claim, which patterns accept). A breadth-first search over the field's characters
//! finds every class, each with a shortest value.
//!
//! What each class does is kept ([`Fields::signature`]): a request's claims can then be run
//! through every automaton by table lookups, one per field, to find which patterns accept
//! each claim. Requests with equal signatures are decided alike by every condition.

use std::collections::{BTreeSet, VecDeque};

use super::chars::alphabet;
use super::dfa::{Dfa, FxMap, Sid, Work};
use super::error::ModelError;
use super::identity::{DomainState, FieldSpec, Form, TPart};
use super::space::Options;

/// One class of a field.
#[derive(Debug, Clone)]
pub struct Class {
    /// `None`: the field is absent (and every claim rendered from it).
    pub value: Option<String>,
    /// Per occurrence of the field, per start state, the state it leads to (after the literal
    /// that follows; at the claim's end, the id of the accepting patterns). `None` when the
    /// field is absent.
    ends: Option<Vec<Sid>>,
}

/// Where a field meets a claim's automaton.
struct Occurrence {
    claim: usize,
    dfa: usize,
    /// Sorted start states.
    starts: Vec<Sid>,
    /// Where this occurrence's states sit in a search state.
    offset: usize,
    /// Literal after the field, and whether the claim ends there.
    after: String,
    ends: bool,
}

/// One field's classes and where it meets the claims.
pub struct FieldClasses {
    pub classes: Vec<Class>,
    occ: Vec<Occurrence>,
}

/// How a claim is run: its state before its first field, then one lookup per field.
struct ClaimWalk {
    claim: usize,
    start: Sid,
    /// (field, occurrence index in that field).
    steps: Vec<(usize, usize)>,
}

/// The classes of every field of a form, and the tables that run a request's claims.
pub struct Fields {
    pub fields: Vec<FieldClasses>,
    walks: Vec<ClaimWalk>,
}

/// The claim stands absent in a signature.
const ABSENT: Sid = Sid::MAX;

impl Fields {
    pub fn counts(&self) -> Vec<usize> {
        self.fields.iter().map(|f| f.classes.len()).collect()
    }

    /// Which patterns accept each tested claim of the request made of class `pick[i]` of
    /// each field (`ABSENT` for an absent claim): every condition decides alike two requests
    /// with one signature.
    pub fn signature(&self, pick: &[usize], out: &mut Vec<Sid>) {
        out.clear();
        for w in &self.walks {
            let mut state = w.start;
            for &(fi, k) in &w.steps {
                let next = (|| {
                    let f = self.fields.get(fi)?;
                    let class = f.classes.get(*pick.get(fi)?)?;
                    let ends = class.ends.as_ref()?;
                    let o = f.occ.get(k)?;
                    let at = o.starts.binary_search(&state).ok()?;
                    ends.get(o.offset + at).copied()
                })();
                match next {
                    Some(s) => state = s,
                    None => {
                        state = ABSENT;
                        break;
                    }
                }
            }
            out.push(state);
        }
    }
}

impl Fields {
    /// The class `value` of field `fi` falls in (`None` outside the field's domain).
    pub fn class_of(
        &self,
        fi: usize,
        spec: &FieldSpec,
        value: &str,
        dfas: &mut [Dfa],
        work: &Work,
    ) -> Option<usize> {
        let f = self.fields.get(fi)?;
        if f.occ.is_empty() {
            // One class: every value of the domain.
            return spec.domain.contains(value).then_some(0);
        }
        let start: Vec<Sid> = f
            .occ
            .iter()
            .flat_map(|o| o.starts.iter().copied())
            .collect();
        let obs = run(&spec.domain, &f.occ, dfas, &start, value, work).ok()??;
        f.classes.iter().position(|c| c.ends.as_ref() == Some(&obs))
    }
}

/// The classes earlier searches of one query found, per caller. The forms of a provider share
/// fields that meet the same automata in the same states (GitHub's eight forms share the
/// owner, the repository and the job's fields), and a search depends on nothing else: its
/// field's values and the occurrences it meets. The `Dfa` indices are the caller's own.
#[derive(Default)]
pub struct Searched {
    done: FxMap<SearchKey, Vec<(Vec<Sid>, String)>>,
}

/// The field (name, realistic values, domain) and each occurrence (automaton, start states,
/// literal after it, whether the claim ends there).
type SearchKey = (
    String,
    String,
    String,
    String,
    Vec<(usize, Vec<Sid>, String, bool)>,
);

impl Searched {
    fn search(
        &mut self,
        field: &FieldSpec,
        occ: &[Occurrence],
        dfas: &mut [Dfa],
        opts: &Options,
        work: &Work,
    ) -> Result<Vec<(Vec<Sid>, String)>, ModelError> {
        let key: SearchKey = (
            field.name.clone(),
            field.example.clone(),
            field.other.clone(),
            format!("{:?}", field.domain),
            occ.iter()
                .map(|o| (o.dfa, o.starts.clone(), o.after.clone(), o.ends))
                .collect(),
        );
        if let Some(found) = self.done.get(&key) {
            return Ok(found.clone());
        }
        let found = search(field, occ, dfas, opts, work)?;
        self.done.insert(key, found.clone());
        Ok(found)
    }
}

/// Classes of every field of `form`, given each claim's automaton (an index into `dfas`;
/// `None` when no condition tests the claim).
pub fn classes(
    form: &Form,
    automata: &[Option<usize>],
    dfas: &mut [Dfa],
    opts: &Options,
    work: &Work,
    searched: &mut Searched,
) -> Result<Fields, ModelError> {
    // Per claim: position in the template and the frontier of states there.
    let mut cursor: Vec<(usize, Vec<Sid>)> = automata
        .iter()
        .map(|a| (0, a.map(|_| vec![Dfa::START]).unwrap_or_default()))
        .collect();
    let mut walks: Vec<ClaimWalk> = Vec::new();
    let mut out = Vec::with_capacity(form.fields.len());
    for (fi, field) in form.fields.iter().enumerate() {
        let mut occ: Vec<Occurrence> = Vec::new();
        let mut offset = 0;
        for (ci, claim) in form.claims.iter().enumerate() {
            let (Some(Some(di)), Some((pos, frontier))) = (automata.get(ci), cursor.get_mut(ci))
            else {
                continue;
            };
            let Some(dfa) = dfas.get_mut(*di) else {
                continue;
            };
            // Step over literals up to the next field.
            while let Some(TPart::Lit(s)) = claim.parts.get(*pos) {
                let mut next = Vec::with_capacity(frontier.len());
                for &st in frontier.iter() {
                    next.push(dfa.step_str(st, s, work)?);
                }
                *frontier = dedup(next);
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
            let k = occ.len();
            match walks.iter_mut().find(|w| w.claim == ci) {
                Some(w) => w.steps.push((fi, k)),
                None => walks.push(ClaimWalk {
                    claim: ci,
                    start: frontier.first().copied().unwrap_or(Dfa::START),
                    steps: vec![(fi, k)],
                }),
            }
            occ.push(Occurrence {
                claim: ci,
                dfa: *di,
                starts: frontier.clone(),
                offset,
                after,
                ends,
            });
            offset += frontier.len();
        }
        if occ.is_empty() && field.rare {
            // Untested and usually absent: the witness leaves it out.
            out.push(FieldClasses {
                classes: vec![Class {
                    value: None,
                    ends: None,
                }],
                occ,
            });
            continue;
        }
        let found = searched.search(field, &occ, dfas, opts, work)?;
        // Advance each claim past the field: the new frontier is every class's state after
        // the following literal.
        for o in &occ {
            if let Some((pos, frontier)) = cursor.get_mut(o.claim) {
                *pos += if o.after.is_empty() { 1 } else { 2 };
                if !o.ends {
                    let n = o.starts.len();
                    *frontier = dedup(
                        found
                            .iter()
                            .flat_map(|(obs, _)| {
                                obs.get(o.offset..o.offset + n).unwrap_or_default().to_vec()
                            })
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
            .map(|(obs, v)| Class {
                value: Some(v),
                ends: Some(obs),
            })
            .collect();
        // Absence matters only where a condition names one of the field's claims.
        if field.optional && !occ.is_empty() {
            classes.push(Class {
                value: None,
                ends: None,
            });
        }
        out.push(FieldClasses { classes, occ });
    }
    walks.sort_by_key(|w| w.claim);
    Ok(Fields { fields: out, walks })
}

fn dedup(mut v: Vec<Sid>) -> Vec<Sid> {
    v.sort_unstable();
    v.dedup();
    v
}

/// What a value does: per occurrence, per start state, the state after the following literal
/// (at the claim's end, the accepting patterns' id).
fn observe(
    occ: &[Occurrence],
    dfas: &mut [Dfa],
    cur: &[Sid],
    work: &Work,
) -> Result<Vec<Sid>, ModelError> {
    let mut out = Vec::with_capacity(cur.len());
    for o in occ {
        let Some(dfa) = dfas.get_mut(o.dfa) else {
            continue;
        };
        for &s in cur
            .get(o.offset..o.offset + o.starts.len())
            .unwrap_or_default()
        {
            let after = dfa.step_str(s, &o.after, work)?;
            out.push(if o.ends { dfa.accepting(after) } else { after });
        }
    }
    Ok(out)
}

fn step_all(
    occ: &[Occurrence],
    dfas: &mut [Dfa],
    cur: &[Sid],
    c: char,
    work: &Work,
) -> Result<Vec<Sid>, ModelError> {
    let mut out = Vec::with_capacity(cur.len());
    for o in occ {
        let Some(dfa) = dfas.get_mut(o.dfa) else {
            continue;
        };
        for &s in cur
            .get(o.offset..o.offset + o.starts.len())
            .unwrap_or_default()
        {
            out.push(dfa.step(s, c, work)?);
        }
    }
    Ok(out)
}

/// Every class of values of `field`, with a representative each (the field's example or
/// outsider value when it falls in the class, else a shortest value).
fn search(
    field: &FieldSpec,
    occ: &[Occurrence],
    dfas: &mut [Dfa],
    opts: &Options,
    work: &Work,
) -> Result<Vec<(Vec<Sid>, String)>, ModelError> {
    let domain = &field.domain;
    let start: Vec<Sid> = occ.iter().flat_map(|o| o.starts.iter().copied()).collect();
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
        if let Some(dfa) = dfas.get(o.dfa) {
            folded |= dfa.has_fold();
            for p in &dfa.aut.pats {
                lits.extend(p.literals());
            }
        }
    }
    let sigma = alphabet(&lits, folded, &domain.classes());
    let per_node = (sigma.len() * start.len().max(1)) as u64;
    let mut seen: FxMap<(DomainState, Vec<Sid>), ()> = FxMap::default();
    let mut queue: VecDeque<(DomainState, Vec<Sid>, String)> = VecDeque::new();
    let mut found: Vec<(Vec<Sid>, String)> = Vec::new();
    let mut index: FxMap<Vec<Sid>, usize> = FxMap::default();
    seen.insert((Some(0), start.clone()), ());
    queue.push_back((Some(0), start.clone(), String::new()));
    while let Some((d, cur, text)) = queue.pop_front() {
        work.spend(per_node)?;
        if domain.accepts(d) {
            let obs = observe(occ, dfas, &cur, work)?;
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
            let next = step_all(occ, dfas, &cur, c, work)?;
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
        if let Some(obs) = run(domain, occ, dfas, &start, v, work)? {
            if let Some(&i) = index.get(&obs) {
                if let Some(slot) = found.get_mut(i) {
                    slot.1 = v.clone();
                }
            }
        }
    }
    Ok(found)
}

/// What `text` does, if it is in the field's domain.
fn run(
    domain: &super::identity::Domain,
    occ: &[Occurrence],
    dfas: &mut [Dfa],
    start: &[Sid],
    text: &str,
    work: &Work,
) -> Result<Option<Vec<Sid>>, ModelError> {
    let mut d: DomainState = Some(0);
    let mut cur = start.to_vec();
    for c in text.chars() {
        d = domain.step(d, c);
        if d.is_none() {
            return Ok(None);
        }
        cur = step_all(occ, dfas, &cur, c, work)?;
    }
    if !domain.accepts(d) {
        return Ok(None);
    }
    observe(occ, dfas, &cur, work).map(Some)
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
