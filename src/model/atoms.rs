//! What the policies' conditions test, per key: string patterns, address ranges, time
//! thresholds. Anything the model cannot treat exactly is refused here.

use std::collections::{BTreeMap, BTreeSet};

use ipnet::IpNet;

use super::automaton::Pat;
use super::error::ModelError;
use crate::pattern::Token;
use crate::policy::{Family, Piece, Policy, Typed};
use crate::request::{key_prefix, ClaimSet};
use crate::timestamp::Nanos;

pub const SOURCE_IP: &str = "aws:sourceip";
const TIME_KEYS: &[&str] = &["aws:currenttime", "aws:epochtime"];
const SECURE_TRANSPORT: &str = "aws:securetransport";

/// Condition keys the request builder fills from session tags and a source identity.
fn is_session_key(k: &str) -> bool {
    k == "sts:sourceidentity"
        || k == "aws:tagkeys"
        || k == "sts:transitivetagkeys"
        || k.starts_with("aws:requesttag/")
}

/// The claims a key of this family is filled from (Google's `aud` from `azp` or `aud`).
pub fn claims_feeding(set: ClaimSet, claim: &str) -> Vec<String> {
    match (set, claim) {
        (ClaimSet::Google, "aud") => vec!["aud".into(), "oaud".into()],
        (ClaimSet::Google, "azp") => vec!["aud".into()],
        _ => vec![claim.to_string()],
    }
}

/// The keys (lowercased) a request from this caller can carry that are token claims.
pub fn claim_keys(principal: &str) -> BTreeSet<String> {
    let prefix = key_prefix(principal);
    let set = ClaimSet::of(prefix);
    let mut claims: Vec<&str> = set.exposed().to_vec();
    if set == ClaimSet::Google {
        claims.extend(["aud", "oaud"]);
    }
    claims
        .into_iter()
        .map(|c| format!("{prefix}:{c}").to_lowercase())
        .collect()
}

/// Everything the conditions test.
#[derive(Debug, Default)]
pub struct Atoms {
    /// String patterns per lowercased claim key; every claim key a condition names has an
    /// entry, empty when only its presence is tested.
    pub strings: BTreeMap<String, Vec<Pat>>,
    pub nets: Vec<IpNet>,
    pub thresholds: Vec<Nanos>,
    /// Some statement decides `sts:TagSession` or `sts:SetSourceIdentity` differently from
    /// `sts:AssumeRoleWithWebIdentity`: tokens carrying tags or a source identity are
    /// requests of their own.
    pub sessions_matter: bool,
}

pub fn collect(policies: &[&Policy], principals: &[String]) -> Result<Atoms, ModelError> {
    let claim_keys: BTreeSet<String> = principals.iter().flat_map(|p| claim_keys(p)).collect();
    let producible = |k: &str| {
        claim_keys.contains(k)
            || k == SOURCE_IP
            || TIME_KEYS.contains(&k)
            || k == SECURE_TRANSPORT
            || is_session_key(k)
    };
    let mut atoms = Atoms::default();
    for policy in policies {
        for s in &policy.statements {
            use crate::request::{
                ASSUME_ROLE_WITH_WEB_IDENTITY as A, SET_SOURCE_IDENTITY as S, TAG_SESSION as T,
            };
            let base = s.action.applies_to(A);
            if s.action.applies_to(T) != base || s.action.applies_to(S) != base {
                atoms.sessions_matter = true;
            }
            for c in &s.conditions {
                let key = c.key_lower.as_str();
                let family = c.operator.base.family();
                for v in &c.values {
                    check_variables(&v.typed, &producible)?;
                }
                if family == Family::Null {
                    if is_session_key(key) {
                        return Err(unsupported("a condition on a session-tag key", &c.key));
                    }
                    if claim_keys.contains(key) {
                        // Presence is tested: the claim's fields need their absent class.
                        atoms.strings.entry(c.key_lower.clone()).or_default();
                    }
                    continue;
                }
                if claim_keys.contains(key) {
                    claim_atoms(c, &mut atoms)?;
                } else if key == SOURCE_IP {
                    if family != Family::Ip {
                        return Err(unsupported(
                            "a non-address operator on `aws:SourceIp`",
                            &c.operator.name(),
                        ));
                    }
                    atoms
                        .nets
                        .extend(c.values.iter().filter_map(|v| match v.typed {
                            Typed::Ip(Some(net)) => Some(net),
                            _ => None,
                        }));
                } else if TIME_KEYS.contains(&key) {
                    for v in &c.values {
                        match v.typed {
                            Typed::Date(Some(n)) => atoms.thresholds.push(n),
                            Typed::Numeric(Some(f)) => atoms.thresholds.push(seconds_to_nanos(f)),
                            Typed::Date(None) | Typed::Numeric(None) => {}
                            _ => {
                                return Err(unsupported(
                                    "an operator other than Date or Numeric on a time key",
                                    &c.operator.name(),
                                ))
                            }
                        }
                    }
                } else if is_session_key(key) {
                    return Err(unsupported("a condition on a session-tag key", &c.key));
                }
                // Any other key is never in the request: the engine decides it alike for
                // every request.
            }
        }
    }
    Ok(atoms)
}

fn seconds_to_nanos(f: f64) -> Nanos {
    // Saturating: a threshold beyond the years RFC 3339 writes compares alike to all of them.
    let n = (f * 1e9).clamp(-1e30, 1e30);
    #[allow(clippy::cast_possible_truncation)]
    let n = n as i128;
    n
}

fn unsupported(what: &str, detail: &str) -> ModelError {
    ModelError::Unsupported(format!("{what} (`{detail}`)"))
}

fn check_variables(t: &Typed, producible: &dyn Fn(&str) -> bool) -> Result<(), ModelError> {
    let pieces = match t {
        Typed::String(p) => &p.pieces,
        Typed::Arn(p) => &p.pieces,
        _ => return Ok(()),
    };
    for piece in pieces {
        if let Piece::Var(v) = piece {
            if producible(&v.key_lower) {
                return Err(unsupported(
                    "a policy variable naming a key the request can carry",
                    &v.key,
                ));
            }
            if v.default.as_deref().is_some_and(|d| d.contains(['*', '?'])) {
                return Err(unsupported(
                    "a policy variable default holding `*` or `?`",
                    &v.key,
                ));
            }
        }
    }
    Ok(())
}

/// Patterns for a condition on a token claim.
fn claim_atoms(c: &crate::policy::Condition, atoms: &mut Atoms) -> Result<(), ModelError> {
    let list = atoms.strings.entry(c.key_lower.clone()).or_default();
    match c.operator.base.family() {
        Family::String => {
            for v in &c.values {
                let Typed::String(p) = &v.typed else { continue };
                // Variables here name keys the request never carries (checked above): with a
                // default they are that text, without one the value never matches (R4.6).
                let mut tokens = Vec::new();
                let mut never = false;
                for piece in &p.pieces {
                    match piece {
                        Piece::Token(t) => tokens.push(t.clone()),
                        Piece::Var(var) => match &var.default {
                            Some(d) => tokens.push(Token::Literal(if p.fold_case {
                                d.to_lowercase()
                            } else {
                                d.clone()
                            })),
                            None => never = true,
                        },
                    }
                }
                if never {
                    continue;
                }
                let pat = Pat::new(&tokens, p.fold_case);
                if pat.fold && pat.literals().any(|ch| ch == 'σ' || ch == 'ς') {
                    return Err(unsupported(
                        "case folding of Greek sigma, which lowercases by context",
                        &v.raw,
                    ));
                }
                list.push(pat);
            }
        }
        Family::Bool => {
            // `true`/`false` in any ASCII case: the folded literals decide it exactly.
            for word in ["true", "false"] {
                list.push(Pat::new(&[Token::Literal(word.into())], true));
            }
        }
        _ => {
            return Err(unsupported(
                "a Numeric, Date, Binary, IP or ARN operator on a token claim",
                &format!("{} {}", c.operator.name(), c.key),
            ))
        }
    }
    Ok(())
}
