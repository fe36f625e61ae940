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

use std::collections::BTreeSet;
use std::rc::Rc;

use super::chars::alphabet;
use super::dfa::{Dfa, FxMap, Sid, Work};
use super::error::ModelError;
use super::identity::{DomainState, FieldSpec, Form, TPart};
use super::space::Options;

mod graph;
use graph::Graph;

/// One class of a field.
#[derive(Debug, Clone)]
pub struct Class {
    /// `None`: the field is absent (and every claim rendered from it).
    pub value: Option<String>,
    /// A value of the class that no pattern on the field's claims names (it is no part of
    /// their literal text), when the class has one: the class then holds identities nobody
    /// wrote into the policy, which is what lint's breadth questions ask about.
    pub fresh: Option<String>,
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
    done: FxMap<SearchKey, Vec<Found>>,
    /// The literal text of the patterns of each list of automata a field meets: the fields
    /// of one claim meet the same automata, and building the text's index is most of a small
    /// search.
    literals: FxMap<Vec<usize>, Rc<Literals>>,
    /// The alphabet of each of those texts with each domain's predicates.
    alphabets: FxMap<AlphabetKey, Rc<[char]>>,
}

/// The automata a field meets and its domain's predicates.
type AlphabetKey = (Vec<usize>, Vec<super::identity::CharClass>);

/// The literal text of the patterns a field meets.
struct Literals {
    /// Every character of it (the alphabet's literals).
    chars: BTreeSet<char>,
    /// Some pattern folds case.
    folded: bool,
    /// Its index, to tell a fresh value from a part of that text.
    named: Named,
}

impl Literals {
    fn of(automata: &[usize], dfas: &[Dfa]) -> Self {
        let mut chars = BTreeSet::new();
        let mut folded = false;
        let mut runs: Vec<String> = Vec::new();
        for dfa in automata.iter().filter_map(|&i| dfas.get(i)) {
            folded |= dfa.has_fold();
            for p in &dfa.aut.pats {
                chars.extend(p.literals());
                runs.extend(p.runs());
            }
        }
        Literals {
            chars,
            folded,
            named: Named::new(&runs, folded),
        }
    }
}

/// The field (name, realistic values, domain) and each occurrence (automaton, start states,
/// literal after it, whether the claim ends there).
type SearchKey = (
    String,
    String,
    String,
    super::identity::Domain,
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
    ) -> Result<Vec<Found>, ModelError> {
        let key: SearchKey = (
            field.name.clone(),
            field.example.clone(),
            field.other.clone(),
            field.domain.clone(),
            occ.iter()
                .map(|o| (o.dfa, o.starts.clone(), o.after.clone(), o.ends))
                .collect(),
        );
        if let Some(found) = self.done.get(&key) {
            return Ok(found.clone());
        }
        let automata: Vec<usize> = occ.iter().map(|o| o.dfa).collect();
        let literals = match self.literals.get(&automata) {
            Some(l) => Rc::clone(l),
            None => {
                let l = Rc::new(Literals::of(&automata, dfas));
                self.literals.insert(automata.clone(), Rc::clone(&l));
                l
            }
        };
        let classes = field.domain.classes();
        let sigma_key = (automata, classes);
        let sigma = match self.alphabets.get(&sigma_key) {
            Some(a) => Rc::clone(a),
            None => {
                let a: Rc<[char]> = alphabet(&literals.chars, literals.folded, &sigma_key.1).into();
                self.alphabets.insert(sigma_key, Rc::clone(&a));
                a
            }
        };
        let found = search(field, occ, dfas, &literals, &sigma, opts, work)?;
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
                    fresh: None,
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
                            .flat_map(|f| {
                                f.obs
                                    .get(o.offset..o.offset + n)
                                    .unwrap_or_default()
                                    .to_vec()
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
            .map(|f| Class {
                value: Some(f.value),
                fresh: f.fresh,
                ends: Some(f.obs),
            })
            .collect();
        // Absence matters only where a condition names one of the field's claims.
        if field.optional && !occ.is_empty() {
            classes.push(Class {
                value: None,
                fresh: None,
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
    step_into(occ, dfas, cur, c, work, &mut out)?;
    Ok(out)
}

/// [`step_all`] into `out`, which the graph search reuses.
fn step_into(
    occ: &[Occurrence],
    dfas: &mut [Dfa],
    cur: &[Sid],
    c: char,
    work: &Work,
    out: &mut Vec<Sid>,
) -> Result<(), ModelError> {
    out.clear();
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
    Ok(())
}

/// A class found by the search: what its values do, a representative, and a fresh value.
#[derive(Clone)]
struct Found {
    obs: Vec<Sid>,
    value: String,
    fresh: Option<String>,
}

/// The literal text the patterns name, to tell a value they name (part of that text) from a
/// fresh one: a suffix automaton of the patterns' literal runs, whose states are the classes
/// of their factors (at most twice the text's length). Compared lowercased when a pattern
/// folds case.
struct Named {
    /// Per state: its transitions, sorted by character.
    next: Vec<Vec<(char, usize)>>,
    link: Vec<Option<usize>>,
    len: Vec<usize>,
    fold: bool,
}

/// A state of [`Named`]: the text read so far is a factor of the runs (`Some`), or not.
type NamedState = Option<usize>;

impl Named {
    fn new(runs: &[String], fold: bool) -> Self {
        let mut n = Named {
            next: vec![Vec::new()],
            link: vec![None],
            len: vec![0],
            fold,
        };
        // One text: the runs apart, each followed by its own character no value holds (from
        // a private-use plane), so no factor spans two runs.
        let mut last = 0;
        for (i, run) in runs.iter().enumerate() {
            let sep = char::from_u32(0xF0000 + (i as u32 % 0xFFFD)).unwrap_or('\u{F0000}');
            for c in run.chars().chain([sep]) {
                last = n.extend(last, c);
            }
        }
        n
    }

    fn get(&self, s: usize, c: char) -> Option<usize> {
        let t = self.next.get(s)?;
        t.binary_search_by_key(&c, |&(k, _)| k)
            .ok()
            .and_then(|i| t.get(i))
            .map(|&(_, to)| to)
    }

    fn set(&mut self, s: usize, c: char, to: usize) {
        if let Some(t) = self.next.get_mut(s) {
            match t.binary_search_by_key(&c, |&(k, _)| k) {
                Ok(i) => {
                    if let Some(e) = t.get_mut(i) {
                        e.1 = to;
                    }
                }
                Err(i) => t.insert(i, (c, to)),
            }
        }
    }

    /// The textbook online construction: add `c` after `last`, the state of the whole text
    /// so far; returns the new `last`.
    fn extend(&mut self, last: usize, c: char) -> usize {
        let cur = self.len.len();
        self.next.push(Vec::new());
        self.link.push(Some(0));
        self.len.push(self.len.get(last).copied().unwrap_or(0) + 1);
        let mut p = Some(last);
        while let Some(q) = p {
            if self.get(q, c).is_some() {
                break;
            }
            self.set(q, c, cur);
            p = self.link.get(q).copied().flatten();
        }
        let Some(p) = p else {
            return cur;
        };
        let Some(q) = self.get(p, c) else {
            return cur;
        };
        if self.len.get(p).map(|l| l + 1) == self.len.get(q).copied() {
            if let Some(l) = self.link.get_mut(cur) {
                *l = Some(q);
            }
            return cur;
        }
        let clone = self.len.len();
        self.next
            .push(self.next.get(q).cloned().unwrap_or_default());
        self.link.push(self.link.get(q).copied().flatten());
        self.len.push(self.len.get(p).copied().unwrap_or(0) + 1);
        let mut r = Some(p);
        while let Some(x) = r {
            if self.get(x, c) != Some(q) {
                break;
            }
            self.set(x, c, clone);
            r = self.link.get(x).copied().flatten();
        }
        for s in [q, cur] {
            if let Some(l) = self.link.get_mut(s) {
                *l = Some(clone);
            }
        }
        cur
    }

    /// The state after reading `c` (lowercased when folding).
    fn step(&self, s: NamedState, c: char) -> NamedState {
        let s = s?;
        if self.fold {
            c.to_lowercase().try_fold(s, |s, l| self.get(s, l))
        } else {
            self.get(s, c)
        }
    }

    /// Is `text` part of some pattern's literal text?
    fn names(&self, text: &str) -> bool {
        text.chars()
            .try_fold(0, |s, c| self.step(Some(s), c))
            .is_some()
    }
}

/// Every class of values of `field`, with a representative each (the field's example or
/// outsider value when it falls in the class, else a shortest value) and, where the class
/// has one, a shortest fresh value (the outsider value when it is one).
///
/// The search runs over (domain state, automaton states, state in the patterns' literal
/// text): values in one node behave alike under every pattern and are, or are not, part of
/// that text alike. So a class has a fresh value exactly when the search reaches it with a
/// value past the literal text.
fn search(
    field: &FieldSpec,
    occ: &[Occurrence],
    dfas: &mut [Dfa],
    literals: &Literals,
    sigma: &[char],
    opts: &Options,
    work: &Work,
) -> Result<Vec<Found>, ModelError> {
    let domain = &field.domain;
    let start: Vec<Sid> = occ.iter().flat_map(|o| o.starts.iter().copied()).collect();
    if occ.is_empty() {
        // Nothing tests the field: one class, and every value is fresh.
        let v = [&field.example, &field.other]
            .into_iter()
            .find(|v| domain.contains(v))
            .cloned()
            .unwrap_or_else(|| shortest(domain));
        let fresh = [&field.other, &field.example]
            .into_iter()
            .find(|v| domain.contains(v))
            .cloned()
            .unwrap_or_else(|| v.clone());
        return Ok(vec![Found {
            obs: Vec::new(),
            value: v,
            fresh: Some(fresh),
        }]);
    }
    let named = &literals.named;
    let mut graph = Graph::explore(domain, occ, dfas, &start, sigma, opts, work)?;
    let mut found = graph.classes(domain, occ, dfas, work)?;
    let mut index: FxMap<Vec<Sid>, usize> = FxMap::default();
    for (i, f) in found.iter().enumerate() {
        index.insert(f.obs.clone(), i);
    }
    graph.fresh_values(named, sigma, &mut found, opts, work)?;
    // Prefer the realistic values where they behave like the value found.
    for v in [&field.other, &field.example] {
        if let Some(obs) = run(domain, occ, dfas, &start, v, work)? {
            if let Some(&i) = index.get(&obs) {
                if let Some(slot) = found.get_mut(i) {
                    slot.value = v.clone();
                }
            }
        }
    }
    // A fresh value reads best as the outsider value, or grown from it: a shortest fresh
    // value is often filler before the policy's own text (`!/vcs-ref/refs/heads/main`), and
    // the outsider branch followed by that text is a ref a real token carries.
    for i in 0..found.len() {
        let Some(shortest) = found.get(i).and_then(|f| f.fresh.clone()) else {
            continue;
        };
        let text = shortest.trim_start_matches(|c: char| !c.is_alphanumeric());
        let stem = shortest.trim_end_matches(|c: char| !c.is_alphanumeric());
        let candidates = [
            field.other.clone(),
            format!("{stem}-lookalike"),
            format!("{stem}x"),
            format!("{}/{text}", field.other),
            format!("{}{shortest}", field.other),
            format!("{}/{text}", field.example),
        ];
        for v in candidates {
            if named.names(&v) {
                continue;
            }
            let obs = run(domain, occ, dfas, &start, &v, work)?;
            if obs.is_some() && obs.as_ref() == found.get(i).map(|f| &f.obs) {
                if let Some(slot) = found.get_mut(i) {
                    slot.fresh = Some(v);
                }
                break;
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
    if let super::identity::Domain::OneOf(words) = domain {
        return words.first().cloned().unwrap_or_default();
    }
    for c in ['a', '0', '{', '-'] {
        if domain.contains(&c.to_string()) {
            return c.to_string();
        }
    }
    "a".into()
}
