//! Witnesses: concrete identities a policy admits outside the scope it seems to intend.
//!
//! A witness is derived, not guessed: subjects are generated from the provider's `sub` grammar
//! with field values drawn from the policy's own literals, from look-alikes of them, and from
//! values no policy intends. Generation is pruned by each pattern's literal head, so it stays
//! small, and the language the policy accepts is intersected with the grammar by running every
//! candidate through the matcher. The winner is then run through the full evaluator: a
//! witness is only ever reported if `check` allows it.

use std::cell::OnceCell;
use std::net::IpAddr;

use serde_json::{Map, Value};

use super::context::{restricts, ProviderView, StatementView};
use super::{LintContext, Witness};
use crate::check::{check, CheckInput};
use crate::eval::{ActionOutcome, Decision, Verdict};
use crate::pattern::{tokens, Matcher, Token};
use crate::policy::{Base, Condition, Effect, Family, Piece, Policy, StringPattern, Typed};
use crate::providers::{enumerated, is_braced_uuid, is_uuid, Field, Part, Role, SubForm};
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

/// What every search for one statement and provider shares, worked out once per pair: a
/// whole-account dump runs several searches per statement.
pub struct Space {
    /// A superset of the subjects the `sub` conditions accept: a candidate must match one.
    patterns: Vec<SubPattern>,
    /// The policy's literal words for `sub` fields.
    literals: Vec<String>,
    /// Claims that meet the statement's other conditions, and a source IP when one is tested.
    claims: Map<String, Value>,
    source_ip: Option<IpAddr>,
    /// There are `sub` conditions, but none with a pattern to prune by.
    blind: bool,
    /// A `sub` value has a `?`: look-alikes one character longer are worth trying.
    has_question: bool,
    /// Per form of the profile, per field, per [`Pool`]: the values that fit the field,
    /// built on first use (pruning means most are never needed).
    pools: Vec<Vec<[OnceCell<Values>; 2]>>,
}

/// One `sub` value as a filter: its matcher, applied to the lowercased subject when the
/// operator ignores case.
struct SubPattern {
    matcher: Matcher,
    fold: bool,
}

impl SubPattern {
    fn is_match(&self, sub: &str) -> bool {
        if self.fold {
            self.matcher.is_match(&sub.to_lowercase())
        } else {
            self.matcher.is_match(sub)
        }
    }

    /// Could a subject that starts with `prefix` still match? Judged by the literal text the
    /// pattern requires at the start.
    fn may_extend(&self, prefix: &str) -> bool {
        let head = self.matcher.literal_prefix();
        let folded;
        let prefix = if self.fold {
            folded = prefix.to_lowercase();
            folded.as_str()
        } else {
            prefix
        };
        prefix.starts_with(head) || head.starts_with(prefix)
    }
}

/// Candidate values of a field, each with where it came from.
type Values = Vec<(String, Origin)>;

/// Which of a field's value pools a search draws from.
#[derive(Debug, Clone, Copy)]
enum Pool {
    /// Values a policy intends: its own literals and the example.
    Ordinary = 0,
    /// Values outside its scope: the field's outsider and look-alikes of the literals.
    Outsider = 1,
}

impl Space {
    pub(crate) fn new(view: &StatementView<'_>, provider: &ProviderView<'_>) -> Self {
        let patterns: Vec<SubPattern> = view
            .on_claim(provider, "sub")
            .filter(|c| restricts(c))
            .flat_map(sub_patterns)
            .collect();
        let (claims, source_ip) = base(view, provider);
        let blind = patterns.is_empty() && view.on_claim(provider, "sub").next().is_some();
        let pools = provider.profile.map_or_else(Vec::new, |p| {
            p.subject
                .iter()
                .map(|f| f.fields().map(|_| Default::default()).collect())
                .collect()
        });
        let has_question = view
            .on_claim(provider, "sub")
            .any(|c| c.values.iter().any(|v| v.raw.contains('?')));
        Space {
            has_question,
            patterns,
            literals: policy_literals(view, provider),
            claims,
            source_ip,
            blind,
            pools,
        }
    }

    fn admits(&self, sub: &str) -> bool {
        self.patterns.is_empty() || self.patterns.iter().any(|p| p.is_match(sub))
    }

    fn may_extend(&self, prefix: &str) -> bool {
        self.patterns.is_empty() || self.patterns.iter().any(|p| p.may_extend(prefix))
    }

    /// The values of field `j` of form `i` of the profile (`form`) in `pool`.
    fn pool(&self, (i, form): (usize, &SubForm), j: usize, pool: Pool) -> &[(String, Origin)] {
        let (Some(cell), Some(field)) = (
            self.pools
                .get(i)
                .and_then(|f| f.get(j))
                .and_then(|p| p.get(pool as usize)),
            form.fields().nth(j),
        ) else {
            return &[];
        };
        cell.get_or_init(|| {
            let values = match pool {
                Pool::Ordinary => ordinary_pool(field, &self.literals),
                Pool::Outsider => outsider_pool(field, &self.literals, self.has_question),
            };
            let seps = separators(form);
            values
                .into_iter()
                .filter(|(v, _)| fits(field, &seps, v))
                .collect()
        })
    }
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
    let space = provider.space(view);
    // Blind generation spends only a small budget (the counter starts near the cap).
    let mut tried = if space.blind {
        MAX_CANDIDATES.saturating_sub(BLIND_CANDIDATES)
    } else {
        0
    };
    let mut evaluations = 0;
    for (i, form) in profile.subject.iter().enumerate() {
        let qualifies_by_form = target.forms.contains(&form.name) || target.any_form;
        let has_target_field = form.fields().any(|f| target.wants(f));
        if !qualifies_by_form && !has_target_field {
            continue;
        }
        let pools: Vec<Pool> = form
            .fields()
            .map(|f| {
                if !qualifies_by_form && target.wants(f) {
                    Pool::Outsider
                } else {
                    Pool::Ordinary
                }
            })
            .collect();
        let form = (i, form);
        let mut found = None;
        let mut hopeless = false;
        enumerate(form, &pools, space, &mut tried, &mut |sub, chosen| {
            if !space.admits(sub) {
                return false;
            }
            let cand = Candidate::new(space, form, sub, &pools, chosen);
            if !accept(&cand) {
                return false;
            }
            evaluations += 1;
            let mut claims = space.claims.clone();
            claims.insert("sub".into(), Value::String(cand.sub.clone()));
            edit(&mut claims);
            let described = cand.describe();
            match admitted(
                ctx,
                view,
                claims,
                space.source_ip,
                who.unwrap_or(&described),
            ) {
                Evaluated::Admitted(w) => found = Some(w),
                Evaluated::Denied { for_every_subject } => {
                    hopeless = for_every_subject || evaluations >= MAX_EVALUATIONS;
                }
            }
            found.is_some() || hopeless
        });
        if found.is_some() || hopeless {
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
    let space = provider.space(view);
    let mut claims = space.claims.clone();
    edit(&mut claims);
    match admitted(ctx, view, claims, space.source_ip, who) {
        Evaluated::Admitted(w) => return Some(w),
        Evaluated::Denied {
            for_every_subject: true,
        } => return None,
        Evaluated::Denied { .. } => {}
    }
    // The example subject may be one the policy does not admit: try subjects from the
    // grammar that the policy's own `sub` conditions accept.
    let any = Target {
        any_form: true,
        ..Target::default()
    };
    search(ctx, view, provider, &any, &|_| true, &edit, Some(who))
}

/// What the evaluator made of a candidate.
enum Evaluated {
    Admitted(Witness),
    /// Denied; `for_every_subject` when the reason does not involve `sub`, so no other
    /// subject with the same other claims can be admitted either.
    Denied {
        for_every_subject: bool,
    },
}

/// Run the evaluator; keep the witness only if the whole policy allows it. The statement's
/// own part of the policy ([`LintContext::own_and_denies`]) is asked first: what it allows,
/// the whole policy allows. Only a candidate it refuses is evaluated against the whole policy
/// (another statement may admit it), so a policy of many Allow statements lints in linear time.
fn admitted(
    ctx: &LintContext<'_>,
    view: &StatementView<'_>,
    claims: Map<String, Value>,
    source_ip: Option<IpAddr>,
    who: &str,
) -> Evaluated {
    let denied = Evaluated::Denied {
        for_every_subject: true,
    };
    let Some(now) = crate::timestamp::parse(WITNESS_TIME) else {
        return denied;
    };
    // The caller is derived from `iss` exactly as `rolecall check --claims` derives it, so a
    // witness always reproduces: a statement whose principal no token from this issuer can be
    // (a bare domain for an IAM OIDC provider, the same URL in another account) gets none.
    // Derived from the whole policy, so the policy's part below sees the same caller.
    let caller = claims
        .get("iss")
        .and_then(Value::as_str)
        .map(|iss| ctx.caller_for(iss));
    let run = |policy: &Policy| {
        check(
            policy,
            &CheckInput {
                claims: &claims,
                provider: caller.as_deref(),
                source_ip,
                now,
                extra: &[],
            },
            None,
        )
    };
    let own = ctx
        .own_and_denies(view.index)
        .and_then(|p| run(p).ok())
        .filter(|r| r.verdict == Verdict::Allow);
    let Some(report) = own.or_else(|| run(ctx.policy).ok()) else {
        return denied;
    };
    if report.verdict != Verdict::Allow {
        return Evaluated::Denied {
            for_every_subject: denied_for_every_subject(ctx.policy, &report.decision),
        };
    }
    Evaluated::Admitted(Witness {
        principal: report.request.principal,
        claims,
        source_ip,
        who: who.to_string(),
    })
}

/// Would every request that differs from this denied one only in its `sub` claim be denied
/// too? True when a denied action is denied by a statement, or left unallowed by every Allow
/// statement, for reasons that do not read `sub`.
fn denied_for_every_subject(policy: &Policy, decision: &Decision) -> bool {
    let pairs = || policy.statements.iter().zip(&decision.statements);
    decision.actions.iter().any(|a| match a.outcome {
        ActionOutcome::Allowed { .. } => false,
        ActionOutcome::ExplicitDeny { by } => policy
            .statements
            .get(by)
            .is_some_and(|s| !s.conditions.iter().any(reads_subject)),
        ActionOutcome::ImplicitDeny => {
            pairs()
                .filter(|(s, _)| s.effect == Effect::Allow)
                .all(|(s, t)| {
                    t.principal_match.is_none()
                        || !s.action.applies_to(a.action)
                        || s.conditions
                            .iter()
                            .zip(&t.conditions)
                            .any(|(c, ct)| !ct.holds && !reads_subject(c))
                })
        }
    })
}

/// Might this condition's outcome change with the `sub` claim? Any `sub` key of any provider,
/// and any value with a variable (which could name it), count.
fn reads_subject(c: &Condition) -> bool {
    c.key_lower.ends_with(":sub") || c.values.iter().any(|v| v.raw.contains("${"))
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

/// Filters for a condition's string values. A variable becomes `*`, so the filter accepts
/// at least what the condition accepts, whatever the variable's value.
fn sub_patterns(c: &Condition) -> Vec<SubPattern> {
    if c.operator.base.family() != Family::String {
        return Vec::new();
    }
    c.values
        .iter()
        .filter_map(|v| match &v.typed {
            Typed::String(p) => Some(SubPattern {
                matcher: p.compiled.clone().unwrap_or_else(|| widened(p)),
                fold: p.fold_case,
            }),
            _ => None,
        })
        .collect()
}

/// The pattern with every variable replaced by `*` (its pieces are already lowercased when
/// the operator folds case).
fn widened(p: &StringPattern) -> Matcher {
    let tokens: Vec<Token> = p
        .pieces
        .iter()
        .map(|piece| match piece {
            Piece::Token(t) => t.clone(),
            Piece::Var(_) => Token::Star,
        })
        .collect();
    Matcher::from_tokens(&tokens)
}

/// Literal words of the policy's `sub` values (split at the grammar's separators and at
/// wildcards), which are the values a policy intends for its fields.
fn policy_literals(view: &StatementView<'_>, provider: &ProviderView<'_>) -> Vec<String> {
    let mut separators: Vec<char> = vec!['*', '?'];
    // The grammar's own words (`organization`, `project`, `ref`) are not values of a field.
    let mut grammar: Vec<&str> = Vec::new();
    if let Some(p) = provider.profile {
        for form in p.subject {
            separators.extend(self::separators(form));
            for part in form.parts {
                if let Part::Lit(s) = part {
                    grammar.extend(s.split(|ch: char| !ch.is_alphanumeric() && ch != '_'));
                }
            }
        }
    }
    let mut out: Vec<String> = Vec::new();
    for c in view.on_claim(provider, "sub") {
        for v in &c.values {
            for word in v.raw.split(|ch| separators.contains(&ch)) {
                let fresh = !word.is_empty() && !out.iter().any(|o| o == word);
                if fresh && !grammar.contains(&word) && out.len() < 12 {
                    out.push(word.to_string());
                }
            }
        }
    }
    out
}

/// Could `value` be a real value of `field`? An enumerated field takes one of its values;
/// otherwise the shape is read off the field's example: a UUID (braced or not) stays one,
/// digits stay digits, hex stays hex, and a name never contains the separators of the form
/// (unless the example does).
fn fits(field: &Field, separators: &[char], value: &str) -> bool {
    let example = field.example;
    if value.is_empty() {
        return false;
    }
    if let Some(values) = enumerated(field) {
        return values.contains(&value);
    }
    if is_braced_uuid(example) {
        return is_braced_uuid(value);
    }
    if is_uuid(example) {
        return is_uuid(value);
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

fn ordinary_pool(f: &Field, literals: &[String]) -> Vec<(String, Origin)> {
    let example = (f.example.to_string(), Origin::Example);
    let policy = literals.iter().map(|l| (l.clone(), Origin::Policy));
    // Who the caller is (tenant, group, project) usually comes from the policy: try its words
    // first. For the rest (a branch, an environment, a per-run id) the realistic example
    // reads better in a witness than a policy word in the wrong place (`refs/heads/acme`).
    if matches!(f.role, Role::Tenant | Role::Group | Role::Project) {
        policy.chain(std::iter::once(example)).collect()
    } else {
        std::iter::once(example).chain(policy).collect()
    }
}

/// A field's outsider, and look-alikes of the policy's literals. `one_more` adds a look-alike
/// one character longer, for patterns with `?` (`repo:acm?/…` admits `acmx`).
fn outsider_pool(f: &Field, literals: &[String], one_more: bool) -> Vec<(String, Origin)> {
    let mut pool = vec![(f.other.to_string(), Origin::Outsider)];
    let lookalikes = literals.iter().filter(|l| l.as_str() != f.other);
    pool.extend(
        lookalikes
            .clone()
            .map(|l| (format!("{l}-lookalike"), Origin::Lookalike)),
    );
    if one_more {
        pool.extend(lookalikes.map(|l| (format!("{l}x"), Origin::Lookalike)));
    }
    pool
}

impl Candidate {
    fn new(
        space: &Space,
        (i, form): (usize, &'static SubForm),
        sub: &str,
        pools: &[Pool],
        chosen: &[usize],
    ) -> Self {
        let values = form
            .fields()
            .zip(pools.iter().zip(chosen))
            .enumerate()
            .filter_map(|(j, (f, (&pool, &k)))| {
                let (v, o) = space.pool((i, form), j, pool).get(k)?;
                Some((f, v.clone(), *o))
            })
            .collect();
        Candidate {
            form,
            sub: sub.to_string(),
            values,
        }
    }
}

/// Depth-first over field values, left to right, pruned by the patterns' literal heads.
/// `visit` gets each whole subject and the pool index chosen per field, and returns `true` to
/// stop.
fn enumerate(
    form: (usize, &'static SubForm),
    pools: &[Pool],
    space: &Space,
    tried: &mut usize,
    visit: &mut dyn FnMut(&str, &[usize]) -> bool,
) -> bool {
    let glue = glue(form.1);
    let mut walk = Walk {
        form,
        pools,
        glue: &glue,
        space,
        subject: glue.first().cloned().unwrap_or_default(),
        chosen: Vec::with_capacity(pools.len()),
        tried,
        visit,
    };
    walk.step()
}

/// The literal text of a form around its fields: before the first, between each pair, and
/// after the last (one more entry than fields).
fn glue(form: &SubForm) -> Vec<String> {
    let mut out = vec![String::new()];
    for part in form.parts {
        match part {
            Part::Lit(s) => {
                if let Some(last) = out.last_mut() {
                    last.push_str(s);
                }
            }
            Part::Field(_) => out.push(String::new()),
        }
    }
    out
}

/// The state of one enumeration: `subject` holds the subject rendered up to the last chosen
/// field and the literal after it, and grows and shrinks with `chosen`.
struct Walk<'w> {
    form: (usize, &'static SubForm),
    pools: &'w [Pool],
    glue: &'w [String],
    space: &'w Space,
    subject: String,
    chosen: Vec<usize>,
    tried: &'w mut usize,
    visit: &'w mut dyn FnMut(&str, &[usize]) -> bool,
}

impl Walk<'_> {
    fn step(&mut self) -> bool {
        if *self.tried >= MAX_CANDIDATES {
            return false;
        }
        if !self.space.may_extend(&self.subject) {
            return false;
        }
        let depth = self.chosen.len();
        let Some(&pool) = self.pools.get(depth) else {
            *self.tried += 1;
            return (self.visit)(&self.subject, &self.chosen);
        };
        let space = self.space;
        let pool = space.pool(self.form, depth, pool);
        let after = self.glue.get(depth + 1).map_or("", String::as_str);
        for (i, (value, _)) in pool.iter().enumerate() {
            let len = self.subject.len();
            self.subject.push_str(value);
            self.subject.push_str(after);
            self.chosen.push(i);
            let done = self.step();
            self.chosen.pop();
            self.subject.truncate(len);
            if done {
                return true;
            }
        }
        false
    }
}

/// Tokens of a raw pattern, re-exported for rules that inspect wildcard placement.
pub fn pattern_tokens(raw: &str) -> Vec<Token> {
    tokens(raw)
}
