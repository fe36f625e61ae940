//! The finite set of representative requests: callers × identity forms × field classes ×
//! address intervals × time intervals × session variants. Every request the model covers
//! behaves, under every condition of the policies, like one of these.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde_json::{Map, Value};

use super::atoms::{self, claims_feeding, Atoms};
use super::automaton::{KeyAutomaton, Pat};
use super::dfa::{Dfa, FxMap, Sid, Work};
use super::error::ModelError;
use super::field;
use super::identity::{self, Form};
use crate::policy::{Policy, Principal, PrincipalKind};
use crate::request::{self, key_prefix, ClaimSet, Request, RequestInput};
use crate::timestamp::Nanos;

/// Caps that bound the search; past one the answer is [`ModelError::TooComplex`].
#[derive(Debug, Clone)]
pub struct Options {
    /// States one field's search may visit (and automaton states a claim may be in).
    pub max_field_states: usize,
    /// Representative requests visited in all.
    pub max_requests: usize,
    /// Elementary steps of work in all (see [`Options::default`]).
    pub max_work: u64,
    /// The time of requests when no condition reads the clock.
    pub now: Nanos,
    /// Field values that must be classes of their own, as if a condition tested them: for
    /// every field of this name (in any form), the values each IAM-style pattern (`*` any run,
    /// `?` one character, case-sensitive) matches. A declared scope
    /// ([`crate::model::outside`]) is decided exactly this way.
    pub distinguish: Vec<(String, Vec<String>)>,
    /// Issuers config declares an instance of a provider (a self-managed GitLab): key prefix
    /// and the profile whose generated identity model its tokens follow
    /// ([`identity::for_prefix_as`]).
    pub declared: Vec<(String, &'static crate::providers::Profile)>,
    /// GitHub custom subject templates config declares, per key prefix
    /// (`include_claim_keys`); those the policies' `sub` values are written for are added
    /// ([`identity::templates_in`]).
    pub templates: Vec<(String, Vec<Vec<String>>)>,
}

/// The caps by default: 20,000 states per field and 200,000 requests, which keeps the worst
/// case near a second on one core.
impl Default for Options {
    fn default() -> Self {
        Options {
            max_field_states: 20_000,
            max_requests: 200_000,
            max_work: 20_000_000,
            // 2026-01-01T00:00:00Z
            now: 1_767_225_600_000_000_000,
            distinguish: Vec::new(),
            declared: Vec::new(),
            templates: Vec::new(),
        }
    }
}

/// A concrete request the model stands behind: replay it with `rolecall check POLICY
/// --claims claims.json --provider PRINCIPAL [--source-ip IP] [--now T]`.
#[derive(Debug, Clone)]
pub struct Witness {
    pub principal: String,
    /// The provider's name (`GitHub Actions`).
    pub provider: String,
    /// The identity form (`pull-request`).
    pub form: String,
    /// The form in words with this identity's fields (`pull-request runs of acme/app`).
    pub words: String,
    /// Field name and value (`None`: absent).
    pub fields: Vec<(String, Option<String>)>,
    /// What each field identifies ([`identity::FieldSpec::role`]), in field order.
    pub roles: Vec<Option<crate::providers::Role>>,
    pub claims: Map<String, Value>,
    pub source_ip: Option<IpAddr>,
    pub now: Nanos,
}

impl Witness {
    /// The request STS would see.
    pub fn request(&self) -> Request {
        request::build(&RequestInput {
            principal: &self.principal,
            claims: &self.claims,
            source_ip: self.source_ip,
            now: self.now,
            extra: &[],
        })
    }
}

/// A caller and form: the unit `who` and `diff` report ("one way in").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Group {
    pub principal: usize,
    pub form: usize,
}

/// Where a representative request sits: its group, the class of each field (of how many),
/// and its address interval (of how many).
pub struct Point<'a> {
    pub group: &'a Group,
    /// The identity form and each field's representative value (`None`: absent).
    pub form: &'a Form,
    pub values: &'a [Option<&'a str>],
    pub pick: &'a [usize],
    /// Every field's classes, for [`Point::fresh`].
    classes: &'a [&'a [field::Class]],
    pub counts: &'a [usize],
    pub ip: usize,
    pub ips: usize,
}

impl Point<'_> {
    /// Does this request's class of field `fi` hold a value no pattern names (see
    /// [`field::Class::fresh`])?
    pub fn fresh(&self, fi: usize) -> bool {
        self.pick
            .get(fi)
            .and_then(|&k| self.classes.get(fi)?.get(k))
            .is_some_and(|c| c.fresh.is_some())
    }
}

/// The representative requests of the policies.
pub struct Space {
    /// The keys (lowercased) the policies' conditions name, which are all a judged request
    /// needs; `None` when a value has a policy variable (it may read any key).
    reads: Option<std::collections::BTreeSet<String>>,
    pub principals: Vec<String>,
    pub models: Vec<identity::IdentityModel>,
    atoms: Atoms,
    opts: Options,
    /// Set by [`Space::stop`]: the visit ends before the next representative.
    stopped: std::cell::Cell<bool>,
}

/// The keys the policies' conditions name (lowercased), or `None` when some value has a
/// policy variable.
fn reads(policies: &[&Policy]) -> Option<std::collections::BTreeSet<String>> {
    let conditions = policies
        .iter()
        .flat_map(|p| &p.statements)
        .flat_map(|s| &s.conditions);
    let mut out = std::collections::BTreeSet::new();
    for c in conditions {
        if c.values.iter().any(|v| v.raw.contains("${")) {
            return None;
        }
        out.insert(c.key_lower.clone());
    }
    Some(out)
}

/// What judging one request costs against the work budget, in elementary steps: building
/// the request and evaluating it is about a thousand times one automaton step.
const JUDGE_COST: u64 = 1_000;

const SESSIONS: &[(bool, bool)] = &[(false, false), (true, false), (false, true), (true, true)];

impl Space {
    pub fn new(policies: &[&Policy], opts: &Options) -> Result<Self, ModelError> {
        let principals = principals(policies);
        let atoms = atoms::collect(policies, &principals)?;
        let models = principals
            .iter()
            .map(|p| {
                let prefix = key_prefix(p);
                let declared = opts.declared.iter().find(|(d, _)| d == prefix);
                let own: &[Vec<String>] = opts
                    .templates
                    .iter()
                    .find(|(d, _)| d == prefix)
                    .map_or(&[], |(_, t)| t.as_slice());
                let templates = identity::templates_in(policies, prefix, own);
                identity::for_prefix_with(prefix, declared.map(|(_, kind)| *kind), &templates)
            })
            .collect();
        Ok(Space {
            reads: reads(policies),
            principals,
            models,
            atoms,
            opts: opts.clone(),
            stopped: std::cell::Cell::new(false),
        })
    }

    /// End the current [`Space::visit`] early (a caller that needs one answer has it): no
    /// further field is searched and no further request judged.
    pub fn stop(&self) {
        self.stopped.set(true);
    }

    /// Call `visit` with every representative request, grouped by caller and form, the
    /// judgement `judge` gives it, and a way to turn it into a [`Witness`] (whose fields listed
    /// take their class's fresh value, where it has one, for the representative). Requests whose
    /// claims every automaton treats alike (one signature) are judged once: `judge` runs on
    /// the first of them and its answer stands for the rest.
    pub fn visit<T: Clone>(
        &self,
        mut judge: impl FnMut(&Request) -> T,
        mut visit: impl FnMut(&Point<'_>, &T, &dyn Fn(&[usize]) -> Witness),
    ) -> Result<usize, ModelError> {
        let work = Work::new(self.opts.max_work);
        let ips = self.ips();
        let times = self.times();
        let sessions: &[(bool, bool)] = if self.atoms.sessions_matter {
            SESSIONS
        } else {
            SESSIONS.get(..1).unwrap_or_default()
        };
        let per_sig = ips.len() * times.len() * sessions.len();
        let mut total: usize = 0;
        for (pi, principal) in self.principals.iter().enumerate() {
            let Some(model) = self.models.get(pi) else {
                continue;
            };
            let prefix = key_prefix(principal);
            // One automaton per set of keys a claim feeds, shared by every form.
            let mut dfas: Vec<Dfa> = Vec::new();
            let mut dfa_index: BTreeMap<Vec<String>, usize> = BTreeMap::new();
            let mut searched = field::Searched::default();
            for (fi, form) in model.forms.iter().enumerate() {
                if self.stopped.get() {
                    return Ok(total);
                }
                let mut automata =
                    self.automata(form, prefix, model.claim_set, &mut dfas, &mut dfa_index);
                let probed = self.probed(form, &mut automata, &mut dfas);
                let fields = field::classes(
                    &probed,
                    &automata,
                    &mut dfas,
                    &self.opts,
                    &work,
                    &mut searched,
                )?;
                // Witnesses look their fields' classes up again, from a shared borrow.
                let dfas_now = RefCell::new(std::mem::take(&mut dfas));
                let classes: Vec<&[field::Class]> =
                    fields.fields.iter().map(|f| f.classes.as_slice()).collect();
                let counts = fields.counts();
                let count = counts
                    .iter()
                    .copied()
                    .chain([ips.len(), times.len(), sessions.len()])
                    .try_fold(1usize, |acc, n| acc.checked_mul(n))
                    .unwrap_or(usize::MAX);
                total = total.saturating_add(count);
                if total > self.opts.max_requests {
                    return Err(ModelError::TooComplex {
                        what: "the representative requests",
                        cap: self.opts.max_requests,
                    });
                }
                let group = Group {
                    principal: pi,
                    form: fi,
                };
                let mut sigs: FxMap<Vec<Sid>, usize> = FxMap::default();
                let mut judged: Vec<Option<T>> = Vec::new();
                let mut sig = Vec::new();
                let mut pick = vec![0usize; classes.len()];
                loop {
                    work.spend(1 + fields.fields.len() as u64)?;
                    fields.signature(&pick, &mut sig);
                    let next = sigs.len();
                    let sig_id = *sigs.entry(sig.clone()).or_insert(next);
                    if sig_id == next {
                        judged.resize(judged.len() + per_sig, None);
                    }
                    let values: Vec<Option<&str>> = pick
                        .iter()
                        .zip(&classes)
                        .map(|(&k, cs)| cs.get(k).and_then(|c| c.value.as_deref()))
                        .collect();
                    let rendered = std::cell::OnceCell::new();
                    let claims = || rendered.get_or_init(|| render(form, &values));
                    let mut slot = sig_id * per_sig;
                    for (ii, ip) in ips.iter().enumerate() {
                        for &now in &times {
                            for &(tags, source) in sessions {
                                let with_session = || {
                                    let mut claims = claims().clone();
                                    session_claims(&mut claims, tags, source);
                                    claims
                                };
                                let verdict = match judged.get(slot).cloned().flatten() {
                                    Some(v) => v,
                                    None => {
                                        work.spend(JUDGE_COST)?;
                                        let claims = with_session();
                                        let req = request::build_reading(
                                            &RequestInput {
                                                principal,
                                                claims: &claims,
                                                source_ip: *ip,
                                                now,
                                                extra: &[],
                                            },
                                            self.reads.as_ref(),
                                        );
                                        let v = judge(&req);
                                        if let Some(s) = judged.get_mut(slot) {
                                            *s = Some(v.clone());
                                        }
                                        v
                                    }
                                };
                                slot += 1;
                                let witness = |fresh: &[usize]| {
                                    let mut picked = values.clone();
                                    for &fi in fresh {
                                        let value = classes
                                            .get(fi)
                                            .and_then(|cs| cs.get(*pick.get(fi)?))
                                            .and_then(|c| c.fresh.as_deref());
                                        if let (Some(v), Some(slot)) = (value, picked.get_mut(fi)) {
                                            *slot = Some(v);
                                        }
                                    }
                                    let values =
                                        coherent(form, &fields, &pick, &picked, &dfas_now, &work);
                                    let refs: Vec<Option<&str>> =
                                        values.iter().map(Option::as_deref).collect();
                                    let mut claims = render(form, &refs);
                                    session_claims(&mut claims, tags, source);
                                    Witness {
                                        principal: principal.clone(),
                                        provider: model.provider.clone(),
                                        form: form.name.clone(),
                                        words: words(form, &refs),
                                        fields: form
                                            .fields
                                            .iter()
                                            .zip(values.iter())
                                            .map(|(f, v)| (f.name.clone(), v.clone()))
                                            .collect(),
                                        roles: form.fields.iter().map(|f| f.role).collect(),
                                        claims,
                                        source_ip: *ip,
                                        now,
                                    }
                                };
                                let point = Point {
                                    group: &group,
                                    form,
                                    values: &values,
                                    pick: &pick,
                                    classes: &classes,
                                    counts: &counts,
                                    ip: ii,
                                    ips: ips.len(),
                                };
                                visit(&point, &verdict, &witness);
                            }
                        }
                    }
                    if self.stopped.get() || !advance(&mut pick, &counts) {
                        break;
                    }
                }
                dfas = dfas_now.into_inner();
            }
        }
        Ok(total)
    }

    /// Each claim's automaton (an index into `dfas`): the patterns of every key the claim
    /// fills; `None` when no condition names those keys, so neither the claim's value nor
    /// its presence matters. Claims fed by the same keys share one automaton.
    fn automata(
        &self,
        form: &Form,
        prefix: &str,
        set: ClaimSet,
        dfas: &mut Vec<Dfa>,
        index: &mut BTreeMap<Vec<String>, usize>,
    ) -> Vec<Option<usize>> {
        form.claims
            .iter()
            .map(|c| {
                let keys: Vec<String> = claims_feeding(set, &c.claim)
                    .into_iter()
                    .filter(|claim| set.exposes(claim))
                    .map(|claim| format!("{prefix}:{claim}").to_lowercase())
                    .filter(|key| self.atoms.strings.contains_key(key))
                    .collect();
                if keys.is_empty() {
                    return None;
                }
                if let Some(&i) = index.get(&keys) {
                    return Some(i);
                }
                let pats = keys
                    .iter()
                    .filter_map(|k| self.atoms.strings.get(k))
                    .flat_map(|p| p.iter().cloned())
                    .collect();
                dfas.push(Dfa::new(
                    KeyAutomaton::new(pats),
                    self.opts.max_field_states,
                ));
                index.insert(keys, dfas.len() - 1);
                Some(dfas.len() - 1)
            })
            .collect()
    }

    /// `form` with one probe claim per field named in [`Options::distinguish`]: the field
    /// alone, tested by the declared patterns, so the field search splits its values by them.
    /// Probes only shape the classes; tokens are rendered from `form` itself.
    fn probed(&self, form: &Form, automata: &mut Vec<Option<usize>>, dfas: &mut Vec<Dfa>) -> Form {
        let mut out = form.clone();
        for (fi, f) in form.fields.iter().enumerate() {
            let pats: Vec<Pat> = self
                .opts
                .distinguish
                .iter()
                .filter(|(name, _)| *name == f.name)
                .flat_map(|(_, values)| values.iter())
                .map(|v| Pat::new(&crate::pattern::tokens(v), false))
                .collect();
            if pats.is_empty() {
                continue;
            }
            out.claims.push(identity::ClaimTemplate {
                claim: format!("\u{0}probe:{}", f.name),
                parts: vec![identity::TPart::Field(fi)],
            });
            dfas.push(Dfa::new(
                KeyAutomaton::new(pats),
                self.opts.max_field_states,
            ));
            automata.push(Some(dfas.len() - 1));
        }
        out
    }

    /// One address per elementary interval of the listed ranges, per family, and none.
    fn ips(&self) -> Vec<Option<IpAddr>> {
        let mut v4: Vec<u32> = Vec::new();
        let mut v6: Vec<u128> = Vec::new();
        for net in &self.atoms.nets {
            match net {
                ipnet::IpNet::V4(n) => {
                    v4.push(u32::from(n.network()));
                    if let Some(next) = u32::from(n.broadcast()).checked_add(1) {
                        v4.push(next);
                    }
                }
                ipnet::IpNet::V6(n) => {
                    v6.push(u128::from(n.network()));
                    if let Some(next) = u128::from(n.broadcast()).checked_add(1) {
                        v6.push(next);
                    }
                }
            }
        }
        let mut out = vec![None];
        if !self.atoms.nets.is_empty() {
            v4.push(0);
            v6.push(0);
            v4.sort_unstable();
            v4.dedup();
            v6.sort_unstable();
            v6.dedup();
            out.extend(v4.into_iter().map(|a| Some(IpAddr::V4(Ipv4Addr::from(a)))));
            out.extend(v6.into_iter().map(|a| Some(IpAddr::V6(Ipv6Addr::from(a)))));
        }
        out
    }

    /// One time per elementary interval of the thresholds. `aws:CurrentTime` and
    /// `aws:EpochTime` carry whole seconds, so every atom flips at a whole second next to a
    /// threshold.
    fn times(&self) -> Vec<Nanos> {
        if self.atoms.thresholds.is_empty() {
            return vec![self.opts.now];
        }
        const S: Nanos = 1_000_000_000;
        let mut out: Vec<Nanos> = self
            .atoms
            .thresholds
            .iter()
            .flat_map(|t| {
                let base = t.div_euclid(S) * S;
                [-1, 0, 1, 2].map(|k| base + k * S)
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Odometer over the classes of every field.
fn advance(pick: &mut [usize], counts: &[usize]) -> bool {
    for (p, n) in pick.iter_mut().zip(counts) {
        *p += 1;
        if *p < *n {
            return true;
        }
        *p = 0;
    }
    false
}

fn session_claims(claims: &mut Map<String, Value>, tags: bool, source: bool) {
    if tags {
        claims.insert(
            request::TAGS_CLAIM.into(),
            serde_json::json!({ "principal_tags": {} }),
        );
    }
    if source {
        claims.insert(
            request::SOURCE_IDENTITY_CLAIM.into(),
            Value::String("rolecall".into()),
        );
    }
}

/// The fields of a witness: each class's representative, except that a field a real token
/// derives from earlier fields (GitHub's workflow repository from the job's repository)
/// takes the derived value whenever that value is in the same class, so it behaves alike
/// under every condition.
fn coherent(
    form: &Form,
    fields: &field::Fields,
    pick: &[usize],
    values: &[Option<&str>],
    dfas: &RefCell<Vec<Dfa>>,
    work: &Work,
) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = values.iter().map(|v| v.map(str::to_string)).collect();
    for (fi, spec) in form.fields.iter().enumerate() {
        if out.get(fi).is_none_or(Option::is_none) {
            continue;
        }
        let Some(want) = form.preferred(fi, &out) else {
            continue;
        };
        let Ok(mut dfas) = dfas.try_borrow_mut() else {
            continue;
        };
        let class = fields.class_of(fi, spec, &want, &mut dfas, work);
        if class.is_some() && class == pick.get(fi).copied() {
            if let Some(slot) = out.get_mut(fi) {
                *slot = Some(want);
            }
        }
    }
    out
}

/// The token's claims for one assignment of fields.
pub fn render(form: &Form, values: &[Option<&str>]) -> Map<String, Value> {
    form.render(values)
}

/// The form's words with this identity's values.
pub fn words(form: &Form, values: &[Option<&str>]) -> String {
    let mut s = form.words.clone();
    for (f, v) in form.fields.iter().zip(values) {
        s = s.replace(&format!("{{{}}}", f.name), v.unwrap_or("(none)"));
    }
    s
}

/// Every caller the policies could be asked about: each Federated principal they name, and,
/// when a statement trusts everyone, a caller for each provider their condition keys name
/// and one stranger whose keys no condition names.
fn principals(policies: &[&Policy]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut everyone = false;
    for p in policies {
        for s in &p.statements {
            match &s.principal {
                Principal::Everyone(_) => everyone = true,
                Principal::Entries(entries, _) => {
                    for e in entries {
                        match e.kind {
                            PrincipalKind::Federated => out.push(e.value.clone()),
                            PrincipalKind::Aws if e.value == "*" => everyone = true,
                            _ => {}
                        }
                    }
                }
            }
        }
    }
    if everyone {
        for p in policies {
            for s in &p.statements {
                for c in &s.conditions {
                    let Some((prefix, _)) = c.key.split_once(':') else {
                        continue;
                    };
                    if !prefix.contains('.') {
                        continue;
                    }
                    let prefix = prefix.to_lowercase();
                    out.push(if ClaimSet::of(&prefix).is_builtin() {
                        prefix
                    } else {
                        format!("arn:aws:iam::000000000000:oidc-provider/{prefix}")
                    });
                }
            }
        }
        out.push("arn:aws:iam::000000000000:oidc-provider/stranger.rolecall.invalid".into());
    }
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|p| seen.insert(p.clone()));
    out
}
