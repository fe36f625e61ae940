//! Witnesses: concrete identities a policy admits outside the scope it seems to intend.
//!
//! A witness is derived, not guessed: subjects are generated from the provider's `sub` grammar
//! with field values drawn from the policy's own literals, from look-alikes of them, and from
//! values no policy intends. Generation is pruned by each pattern's literal head, so it stays
//! small, and the language the policy accepts is intersected with the grammar by running every
//! candidate through the matcher. The winner is then run through the full evaluator: a
//! witness is only ever reported if `check` allows it.

use std::net::IpAddr;

use serde_json::{Map, Value};

use super::context::{restricts, ProviderView, StatementView};
use super::{LintContext, Witness};
use crate::check::{check, CheckInput};
use crate::eval::Verdict;
use crate::pattern::{tokens, Matcher, Token};
use crate::policy::{Base, Condition, Family, Piece, Typed};
use crate::providers::{Field, Part, Role, SubForm};
use crate::request::ClaimSet;

/// Witnesses are evaluated at this fixed time so results never depend on the clock.
const WITNESS_TIME: &str = "2026-01-01T00:00:30Z";
/// Upper bound on candidates tried per search.
const MAX_CANDIDATES: usize = 1024;
/// Upper bound on candidates run through the evaluator per search. Without literal patterns
/// to filter by (`StringEqualsIgnoreCase`, variables, set operators) every candidate would
/// otherwise cost a full `check`.
const MAX_EVALUATIONS: usize = 16;
/// Candidates tried when the `sub` conditions give no literal pattern to prune by.
const BLIND_CANDIDATES: usize = 64;

/// Where a candidate field value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The profile's realistic example.
    Example,
    /// Literal text of the policy.
    Policy,
    /// A policy literal with something appended: a look-alike name.
    Lookalike,
    /// A value no policy intends.
    Outsider,
}

/// What a search is after.
#[derive(Debug, Clone, Default)]
pub struct Target {
    /// Fields with these roles must take an outsider or look-alike value.
    pub roles: Vec<Role>,
    /// Fields with these names must take an outsider or look-alike value.
    pub fields: Vec<String>,
    /// Candidates of these forms qualify whatever their fields.
    pub forms: Vec<&'static str>,
    /// Every form qualifies (find any admitted subject).
    pub any_form: bool,
}

impl Target {
    pub fn roles(roles: &[Role]) -> Self {
        Target {
            roles: roles.to_vec(),
            ..Target::default()
        }
    }

    fn wants(&self, f: &Field) -> bool {
        self.roles.contains(&f.role) || self.fields.iter().any(|n| n == f.name)
    }
}

/// A generated subject with the values of its fields.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub form: &'static SubForm,
    pub sub: String,
    pub values: Vec<(&'static Field, String, Origin)>,
}

impl Candidate {
    /// Words for the witness: the fields that left the intended scope.
    pub fn describe(&self) -> String {
        let changed: Vec<String> = self
            .values
            .iter()
            .filter(|(_, _, o)| matches!(o, Origin::Outsider | Origin::Lookalike))
            .map(|(f, v, o)| match o {
                Origin::Lookalike => format!("{} `{v}` (a look-alike)", f.name),
                _ => format!("{} `{v}`", f.name),
            })
            .collect();
        if changed.is_empty() {
            format!("a `{}` token", self.form.name)
        } else {
            format!("a `{}` token from {}", self.form.name, changed.join(", "))
        }
    }
}

/// Search for an admitted subject that meets `target`, and return it as a verified witness.
pub fn subject(
    ctx: &LintContext<'_>,
    view: &StatementView<'_>,
    provider: &ProviderView<'_>,
    target: &Target,
) -> Option<Witness> {
    subject_where(ctx, view, provider, target, &|_| true)
}

/// Like [`subject`], with an extra test every candidate must pass.
pub fn subject_where(
    ctx: &LintContext<'_>,
    view: &StatementView<'_>,
    provider: &ProviderView<'_>,
    target: &Target,
    accept: &dyn Fn(&Candidate) -> bool,
) -> Option<Witness> {
    search(ctx, view, provider, target, accept, &|_| {}, None)
}

/// The search itself. `edit` changes each candidate's claims before evaluation; `who`
/// replaces the candidate's own description.
fn search(
    ctx: &LintContext<'_>,
    view: &StatementView<'_>,
    provider: &ProviderView<'_>,
    target: &Target,
    accept: &dyn Fn(&Candidate) -> bool,
    edit: &dyn Fn(&mut Map<String, Value>),
    who: Option<&str>,
) -> Option<Witness> {
    let profile = provider.profile?;
    let patterns: Vec<Matcher> = view
        .on_claim(provider, "sub")
        .filter(|c| restricts(c))
        .flat_map(literal_patterns)
        .collect();
    let heads: Vec<String> = patterns.iter().map(literal_head).collect();
    let literals = policy_literals(view, provider);
    let (base_claims, source_ip) = base(view, provider);
    // With `sub` conditions but no literal pattern to prune by, generation is blind: spend
    // only a small budget on it (the counter starts near the cap).
    let blind = patterns.is_empty() && view.on_claim(provider, "sub").next().is_some();
    let mut tried = if blind {
        MAX_CANDIDATES.saturating_sub(BLIND_CANDIDATES)
    } else {
        0
    };
    let mut evaluations = 0;
    for form in profile.subject {
        let qualifies_by_form = target.forms.contains(&form.name) || target.any_form;
        let has_target_field = form.fields().any(|f| target.wants(f));
        if !qualifies_by_form && !has_target_field {
            continue;
        }
        let fields: Vec<&'static Field> = form.fields().collect();
        let seps = separators(form);
        let pools: Vec<Vec<(String, Origin)>> = fields
            .iter()
            .map(|f| {
                let pool = if !qualifies_by_form && target.wants(f) {
                    outsider_pool(f, &literals)
                } else {
                    ordinary_pool(f, &literals)
                };
                pool.into_iter()
                    .filter(|(v, _)| fits(f, &seps, v))
                    .collect()
            })
            .collect();
        let mut found = None;
        enumerate(form, &pools, &heads, &mut tried, &mut |cand| {
            let matches = patterns.is_empty() || patterns.iter().any(|m| m.is_match(&cand.sub));
            if matches && accept(&cand) && evaluations < MAX_EVALUATIONS {
                evaluations += 1;
                let mut claims = base_claims.clone();
                claims.insert("sub".into(), Value::String(cand.sub.clone()));
                edit(&mut claims);
                let described = cand.describe();
                let w = admitted(ctx, claims, source_ip, who.unwrap_or(&described));
                if w.is_some() {
                    found = w;
                    return true;
                }
            }
            false
        });
        if found.is_some() {
            return found;
        }
    }
    None
}

/// A witness built from base claims changed by `edit` (for findings not about `sub`).
pub fn with_claims(
    ctx: &LintContext<'_>,
    view: &StatementView<'_>,
    provider: &ProviderView<'_>,
    who: &str,
    edit: impl Fn(&mut Map<String, Value>),
) -> Option<Witness> {
    let (mut claims, source_ip) = base(view, provider);
    edit(&mut claims);
    if let Some(w) = admitted(ctx, claims, source_ip, who) {
        return Some(w);
    }
    // The example subject may be one the policy does not admit: try subjects from the
    // grammar that the policy's own `sub` conditions accept.
    let any = Target {
        any_form: true,
        ..Target::default()
    };
    search(ctx, view, provider, &any, &|_| true, &edit, Some(who))
}

/// Run the evaluator; keep the witness only if the whole policy allows it.
fn admitted(
    ctx: &LintContext<'_>,
    claims: Map<String, Value>,
    source_ip: Option<IpAddr>,
    who: &str,
) -> Option<Witness> {
    let now = crate::timestamp::parse(WITNESS_TIME)?;
    // The caller is derived from `iss` exactly as `rolecall check --claims` derives it, so a
    // witness always reproduces: a statement whose principal no token from this issuer can be
    // (a bare domain for an IAM OIDC provider, the same URL in another account) gets none.
    let report = check(
        ctx.policy,
        &CheckInput {
            claims: &claims,
            provider: None,
            source_ip,
            now,
            extra: &[],
        },
        None,
    )
    .ok()?;
    (report.verdict == Verdict::Allow).then(|| Witness {
        principal: report.request.principal.clone(),
        claims,
        source_ip,
        who: who.to_string(),
    })
}

/// Base claims for a provider's token that satisfy the statement's non-`sub` conditions where
/// a literal value can do it, and a source IP inside any `IpAddress` range.
pub fn base(
    view: &StatementView<'_>,
    provider: &ProviderView<'_>,
) -> (Map<String, Value>, Option<IpAddr>) {
    let mut claims = provider
        .profile
        .and_then(|p| serde_json::from_str::<Map<String, Value>>(p.example_claims).ok())
        .unwrap_or_default();
    // Keep only what the request can see or the reader needs: the issuer, the subject, the
    // audience (and Google's `azp`), and claims the statement's conditions name.
    let named: Vec<String> = view
        .on_provider(provider)
        .filter_map(|c| super::context::claim_of(&c.key_lower, &provider.prefix_lower))
        .collect();
    claims.retain(|k, _| {
        let lower = k.to_ascii_lowercase();
        matches!(lower.as_str(), "iss" | "sub" | "aud" | "azp") || named.contains(&lower)
    });
    claims.insert(
        "iss".into(),
        Value::String(format!("https://{}", provider.prefix)),
    );
    if !claims.contains_key("sub") {
        claims.insert("sub".into(), Value::String("rolecall-witness".into()));
    }
    if !claims.contains_key("aud") {
        let aud = provider
            .profile
            .and_then(|p| p.default_audiences.first().copied())
            .unwrap_or("sts.amazonaws.com");
        claims.insert("aud".into(), Value::String(aud.into()));
    }
    for c in view.on_provider(provider) {
        let Some(claim) = super::context::claim_of(&c.key_lower, &provider.prefix_lower) else {
            continue;
        };
        if claim == "sub" || !restricts(c) {
            continue;
        }
        if let Some(v) = c.values.iter().find_map(|v| instantiate(&v.typed)) {
            // R6.3: Google's `:oaud` is the token's `aud`, and `:aud` its `azp` when present.
            let target = match (provider.claims, claim.as_str()) {
                (ClaimSet::Google, "oaud") => "aud".to_string(),
                (ClaimSet::Google, "aud") if claims.contains_key("azp") => "azp".to_string(),
                _ => original_claim_name(&claims, &claim),
            };
            claims.insert(target, Value::String(v));
        }
    }
    // Only a policy that tests `aws:SourceIp` needs one: then take an address from the
    // statement's `IpAddress` ranges, or a public documentation address.
    let tests_ip = view
        .statement
        .conditions
        .iter()
        .any(|c| c.key_lower == "aws:sourceip");
    let source_ip = view
        .statement
        .conditions
        .iter()
        .find(|c| c.key_lower == "aws:sourceip" && c.operator.base == Base::IpAddress)
        .and_then(|c| {
            c.values.iter().find_map(|v| match v.typed {
                Typed::Ip(Some(net)) => Some(net.addr()),
                _ => None,
            })
        })
        .or_else(|| {
            if tests_ip {
                "198.51.100.7".parse().ok()
            } else {
                None
            }
        });
    (claims, source_ip)
}

/// Keep the claim's spelling from the example when only the case differs.
fn original_claim_name(claims: &Map<String, Value>, lower: &str) -> String {
    claims
        .keys()
        .find(|k| k.eq_ignore_ascii_case(lower))
        .cloned()
        .unwrap_or_else(|| lower.to_string())
}

/// A concrete string a value admits: wildcards filled minimally, no variables.
fn instantiate(t: &Typed) -> Option<String> {
    let pieces = match t {
        Typed::String(p) => &p.pieces,
        Typed::Arn(p) => &p.pieces,
        _ => return None,
    };
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Token(Token::Literal(s)) => out.push_str(s),
            Piece::Token(Token::Star) => {}
            Piece::Token(Token::Question) => out.push('x'),
            Piece::Var(_) => return None,
        }
    }
    Some(out)
}

/// Matchers for a condition's values that have no variables (variables need a request).
fn literal_patterns(c: &Condition) -> Vec<Matcher> {
    if c.operator.base.family() != Family::String || c.operator.base.ignores_case() {
        return Vec::new();
    }
    c.values
        .iter()
        .filter_map(|v| match &v.typed {
            Typed::String(p) => p.compiled.clone(),
            _ => None,
        })
        .collect()
}

/// The literal text a matcher requires at the start of every match.
fn literal_head(m: &Matcher) -> String {
    m.literal_prefix().to_string()
}

/// Literal words of the policy's `sub` values (split at the grammar's separators and at
/// wildcards), which are the values a policy intends for its fields.
fn policy_literals(view: &StatementView<'_>, provider: &ProviderView<'_>) -> Vec<String> {
    let mut separators: Vec<char> = vec!['*', '?'];
    if let Some(p) = provider.profile {
        for form in p.subject {
            separators.extend(self::separators(form));
        }
    }
    let mut out: Vec<String> = Vec::new();
    for c in view.on_claim(provider, "sub") {
        for v in &c.values {
            for word in v.raw.split(|ch| separators.contains(&ch)) {
                if !word.is_empty() && !out.iter().any(|o| o == word) && out.len() < 12 {
                    out.push(word.to_string());
                }
            }
        }
    }
    out
}

/// Could `value` be a real value of `field`? The shape is read off the field's example: a
/// braced UUID stays a braced UUID, digits stay digits, hex stays hex, and a name never
/// contains the separators of the form (unless the example does).
fn fits(field: &Field, separators: &[char], value: &str) -> bool {
    let example = field.example;
    if value.is_empty() {
        return false;
    }
    if is_braced_uuid(example) {
        return is_braced_uuid(value);
    }
    if example.bytes().all(|b| b.is_ascii_digit()) {
        return value.bytes().all(|b| b.is_ascii_digit());
    }
    if example.len() >= 7 && example.bytes().all(|b| b.is_ascii_hexdigit()) {
        return value.bytes().all(|b| b.is_ascii_hexdigit());
    }
    !value
        .chars()
        .any(|ch| separators.contains(&ch) && !example.contains(ch))
}

/// The characters that delimit fields in a form: the non-alphanumeric ends of its literal
/// parts (`-` inside `vcs-origin` is not a separator; the `/` around it is).
fn separators(form: &SubForm) -> Vec<char> {
    let mut out = Vec::new();
    for part in form.parts {
        if let Part::Lit(s) = part {
            for ch in [s.chars().next(), s.chars().last()].into_iter().flatten() {
                if !ch.is_alphanumeric() && !out.contains(&ch) {
                    out.push(ch);
                }
            }
        }
    }
    out
}

fn is_braced_uuid(s: &str) -> bool {
    let Some(inner) = s.strip_prefix('{').and_then(|r| r.strip_suffix('}')) else {
        return false;
    };
    let groups: Vec<&str> = inner.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn ordinary_pool(f: &Field, literals: &[String]) -> Vec<(String, Origin)> {
    let example = (f.example.to_string(), Origin::Example);
    let policy = literals.iter().map(|l| (l.clone(), Origin::Policy));
    // A per-run value (step UUID, commit) is never what a policy names: try the example first.
    if f.role == Role::Volatile {
        std::iter::once(example).chain(policy).collect()
    } else {
        policy.chain(std::iter::once(example)).collect()
    }
}

fn outsider_pool(f: &Field, literals: &[String]) -> Vec<(String, Origin)> {
    let mut pool = vec![(f.other.to_string(), Origin::Outsider)];
    pool.extend(
        literals
            .iter()
            .filter(|l| l.as_str() != f.other)
            .map(|l| (format!("{l}-lookalike"), Origin::Lookalike)),
    );
    pool
}

/// Depth-first over field values, left to right, pruned by the patterns' literal heads.
fn enumerate(
    form: &'static SubForm,
    pools: &[Vec<(String, Origin)>],
    heads: &[String],
    tried: &mut usize,
    visit: &mut dyn FnMut(Candidate) -> bool,
) -> bool {
    let mut chosen: Vec<usize> = Vec::with_capacity(pools.len());
    step(form, pools, heads, &mut chosen, tried, visit)
}

fn step(
    form: &'static SubForm,
    pools: &[Vec<(String, Origin)>],
    heads: &[String],
    chosen: &mut Vec<usize>,
    tried: &mut usize,
    visit: &mut dyn FnMut(Candidate) -> bool,
) -> bool {
    if *tried >= MAX_CANDIDATES {
        return false;
    }
    let prefix = render_prefix(form, pools, chosen);
    let feasible = heads.is_empty()
        || heads
            .iter()
            .any(|h| prefix.starts_with(h.as_str()) || h.starts_with(prefix.as_str()));
    if !feasible {
        return false;
    }
    let depth = chosen.len();
    let Some(pool) = pools.get(depth) else {
        *tried += 1;
        let values = form
            .fields()
            .zip(chosen.iter())
            .enumerate()
            .filter_map(|(idx, (f, &i))| {
                let (v, o) = pools.get(idx)?.get(i)?;
                Some((f, v.clone(), *o))
            })
            .collect();
        return visit(Candidate {
            form,
            sub: prefix,
            values,
        });
    };
    for i in 0..pool.len() {
        chosen.push(i);
        let done = step(form, pools, heads, chosen, tried, visit);
        chosen.pop();
        if done {
            return true;
        }
    }
    false
}

/// The subject rendered up to the last chosen field (and the literal after it, when all
/// fields are chosen, the whole subject).
fn render_prefix(form: &SubForm, pools: &[Vec<(String, Origin)>], chosen: &[usize]) -> String {
    let mut out = String::new();
    let mut field = 0;
    for part in form.parts {
        match part {
            Part::Lit(s) => out.push_str(s),
            Part::Field(_) => {
                let Some(&i) = chosen.get(field) else {
                    return out;
                };
                if let Some((v, _)) = pools.get(field).and_then(|p| p.get(i)) {
                    out.push_str(v);
                }
                field += 1;
            }
        }
    }
    out
}

/// Tokens of a raw pattern, re-exported for rules that inspect wildcard placement.
pub fn pattern_tokens(raw: &str) -> Vec<Token> {
    tokens(raw)
}
