//! The identities a policy evidently intends, built from its own literal parts: for each
//! subject form of the provider, the subject that fills the form's fields with the words the
//! policy's value names (the owner, the repository), and with the profile's examples (the
//! `main` branch) where the value has a wildcard. `repo:acme*` intends `acme/app`'s main
//! branch, its tags, its environments; a fix must keep admitting those.
//!
//! A tenant field (the owner, and the owner's id) is only ever filled with the value's own
//! words: `repo:acme*` does not evidently intend the immutable `repo:acme@<id>/...` subjects,
//! whose id it does not name.
//!
//! Values are read as the author wrote them, as globs, whatever their operator: a value under
//! `StringEquals` with a `*` intends what `StringLike` would match.

use serde_json::{Map, Value};

use crate::lint::{claim_of, Config, LintContext, ProviderView, StatementView};
use crate::pattern::Matcher;
use crate::policy::{Family, Policy};
use crate::providers::{Part, Profile, Role, SubForm};

/// One identity a policy evidently intends.
#[derive(Debug, Clone, PartialEq)]
pub struct Intended {
    /// The caller's principal, as the policy names it.
    pub principal: String,
    pub claims: Map<String, Value>,
    /// "GitHub Actions branch `repo:acme/app:ref:refs/heads/main`".
    pub who: String,
}

/// Candidate field values tried per field, at most (the words of the value, and the example).
const MAX_ASSIGNMENTS: usize = 4096;
/// Identities per policy, at most: enough for every form of every provider a policy names.
const MAX_IDENTITIES: usize = 32;

/// The identities `policy` evidently intends.
pub fn identities(policy: &Policy, config: &Config) -> Vec<Intended> {
    let ctx = LintContext::new(policy, config, "");
    let mut out: Vec<Intended> = Vec::new();
    for view in ctx.statements.iter().filter(|v| v.allows_web_identity()) {
        for p in &view.providers {
            let Some(profile) = p.profile else { continue };
            for intended in of_provider(view, p, profile) {
                if out.len() < MAX_IDENTITIES && !out.contains(&intended) {
                    out.push(intended);
                }
            }
        }
    }
    out
}

fn of_provider(view: &StatementView<'_>, p: &ProviderView<'_>, profile: &Profile) -> Vec<Intended> {
    let Ok(mut base) = serde_json::from_str::<Map<String, Value>>(profile.example_claims) else {
        return Vec::new();
    };
    if !p.claims.is_builtin() {
        base.insert("iss".into(), Value::String(format!("https://{}", p.prefix)));
    }
    if let Some(aud) = profile.default_audiences.first() {
        base.insert("aud".into(), Value::String((*aud).to_string()));
    }
    let mut subjects: Vec<(String, &SubForm)> = Vec::new();
    for c in view.on_provider(p) {
        if c.operator.base.is_negated() || c.operator.base.family() != Family::String {
            continue;
        }
        let Some(claim) = claim_of(&c.key_lower, &p.prefix_lower) else {
            continue;
        };
        for v in &c.values {
            let found: Vec<(String, &SubForm)> = profile
                .subject
                .iter()
                .filter_map(|f| subject_for(&v.raw, f).map(|s| (s, f)))
                .collect();
            if found.is_empty() {
                // A literal the policy requires of another claim (`repository_owner`, `aud`).
                if claim != "sub" && !v.raw.contains(['*', '?']) && !base_fixed(&claim) {
                    base.insert(claim.clone(), Value::String(v.raw.clone()));
                }
            } else if claim == "sub" || c.key_lower.ends_with(":aud") {
                subjects.extend(found);
            }
        }
    }
    subjects
        .into_iter()
        .map(|(sub, form)| {
            let mut claims = base.clone();
            claims.insert("sub".into(), Value::String(sub.clone()));
            Intended {
                principal: p.principal.to_string(),
                claims,
                who: format!("{} {} `{sub}`", profile.name, form.name),
            }
        })
        .collect()
}

/// Claims a policy's literal does not replace: the issuer is the principal's.
fn base_fixed(claim: &str) -> bool {
    claim == "iss"
}

/// The subject of `form` that the glob `raw` matches, its fields filled with the value's own
/// words where they fit (each once, in order) and the profile's examples elsewhere (the most
/// words of the value wins).
pub fn subject_for(raw: &str, form: &SubForm) -> Option<String> {
    let literal_words: Vec<&str> = form
        .parts
        .iter()
        .filter_map(|p| match p {
            Part::Lit(s) => Some(*s),
            Part::Field(_) => None,
        })
        .flat_map(words)
        .collect();
    let mine: Vec<&str> = words(raw).filter(|w| !literal_words.contains(w)).collect();
    let fields: Vec<&crate::providers::Field> = form
        .parts
        .iter()
        .filter_map(|p| match p {
            Part::Field(f) => Some(f),
            Part::Lit(_) => None,
        })
        .collect();
    let choices: Vec<Vec<&str>> = fields
        .iter()
        .map(|f| {
            let mut c: Vec<&str> = mine.clone();
            // The tenant is the one the policy names, never an example.
            if f.role != Role::Tenant && !c.contains(&f.example) {
                c.push(f.example);
            }
            c
        })
        .collect();
    let matcher = Matcher::new(raw);
    let total = choices
        .iter()
        .try_fold(1usize, |n, c| n.checked_mul(c.len()))
        .filter(|n| *n <= MAX_ASSIGNMENTS)?;
    let mut best: Option<(usize, String)> = None;
    for k in 0..total {
        let mut rest = k;
        let picks: Vec<&str> = choices
            .iter()
            .map(|options| {
                let n = options.len().max(1);
                let pick = options.get(rest % n).copied().unwrap_or_default();
                rest /= n;
                pick
            })
            .collect();
        // Each word of the value fills one field, in the value's order.
        let used: Vec<usize> = picks
            .iter()
            .filter_map(|pick| mine.iter().position(|w| w == pick))
            .collect();
        if used.windows(2).any(|w| matches!(w, [a, b] if a >= b)) {
            continue;
        }
        let score = used.len();
        let rendered = form.render(|i, f| picks.get(i).copied().unwrap_or(f.example).to_string());
        if matcher.is_match(&rendered) && best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, rendered));
        }
    }
    best.map(|(_, s)| s)
}

/// The words of a value: runs of name characters, wildcards and separators dropped.
fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '{' | '}')))
        .filter(|w| !w.is_empty())
}
