//! The checks STS makes before it evaluates the policy (semantics §7). Each failure carries the
//! error code STS would return.

use jsonwebtoken::jwk::JwkSet;
use serde_json::Value;

use super::verify::{verify, Signature};
use super::Token;
use crate::request::issuer_prefix;
use crate::timestamp::{self, Nanos};

/// What to check a token against.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions<'a> {
    pub now: Nanos,
    pub jwks: Option<&'a JwkSet>,
    /// The provider's client-ID list; empty means "not given, not checked".
    pub audiences: &'a [String],
    /// Key prefixes of the providers the policy trusts (from its Federated principals).
    pub trusted_prefixes: &'a [String],
}

/// A reason STS would refuse the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenProblem {
    Expired {
        exp: i64,
        now: i64,
    },
    NotYetValid {
        nbf: i64,
        now: i64,
    },
    MissingExpiry,
    MissingIssuer,
    /// No Federated principal of the policy is this issuer's provider.
    UntrustedIssuer {
        iss: String,
    },
    /// `aud` is not in the client-ID list given with `--audience`.
    WrongAudience {
        aud: Vec<String>,
    },
    BadSignature {
        reason: String,
    },
}

impl TokenProblem {
    /// The error code STS answers with (R7.6).
    pub fn sts_error(&self) -> &'static str {
        match self {
            TokenProblem::Expired { .. } => "ExpiredTokenException",
            _ => "InvalidIdentityToken",
        }
    }

    pub fn message(&self) -> String {
        match self {
            TokenProblem::Expired { exp, now } => format!(
                "the token expired at {} ({}s before the evaluation time {})",
                timestamp::rfc3339(i128::from(*exp) * 1_000_000_000),
                now - exp,
                timestamp::rfc3339(i128::from(*now) * 1_000_000_000)
            ),
            TokenProblem::NotYetValid { nbf, .. } => format!(
                "the token is not valid before {}",
                timestamp::rfc3339(i128::from(*nbf) * 1_000_000_000)
            ),
            TokenProblem::MissingExpiry => "the token has no numeric `exp` claim".into(),
            TokenProblem::MissingIssuer => "the token has no `iss` claim".into(),
            TokenProblem::UntrustedIssuer { iss } => format!(
                "no Federated principal of the policy is the provider for issuer `{iss}` \
                 (STS: \"No OpenIDConnect provider found in your account\" if it is not \
                 registered, AccessDenied if it is)"
            ),
            TokenProblem::WrongAudience { aud } => format!(
                "Incorrect token audience: `{}` is not in the provider's client-ID list",
                aud.join("`, `")
            ),
            TokenProblem::BadSignature { reason } => {
                format!("the signature does not verify: {reason}")
            }
        }
    }
}

/// The result of the token checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenChecks {
    pub signature: Signature,
    pub problems: Vec<TokenProblem>,
}

/// Run every check; report all problems, in the order STS would meet them.
pub fn check(token: &Token, options: &CheckOptions<'_>) -> TokenChecks {
    let mut problems = Vec::new();
    let now = timestamp::seconds(options.now);
    match token.claims.get("iss").and_then(Value::as_str) {
        None => problems.push(TokenProblem::MissingIssuer),
        Some(iss) => {
            let prefix = issuer_prefix(iss);
            if !options.trusted_prefixes.iter().any(|p| p == prefix) {
                problems.push(TokenProblem::UntrustedIssuer {
                    iss: iss.to_string(),
                });
            }
        }
    }
    let signature = match options.jwks {
        Some(jwks) => verify(token, jwks),
        None => Signature::NotChecked,
    };
    if let Signature::Invalid { reason } = &signature {
        problems.push(TokenProblem::BadSignature {
            reason: reason.clone(),
        });
    }
    match numeric(token, "exp") {
        // [UNDOC] R7.4: STS's clock skew is not documented; no leeway is allowed here.
        Some(exp) if exp <= now => problems.push(TokenProblem::Expired { exp, now }),
        Some(_) => {}
        None => problems.push(TokenProblem::MissingExpiry),
    }
    if let Some(nbf) = numeric(token, "nbf") {
        if nbf > now {
            problems.push(TokenProblem::NotYetValid { nbf, now });
        }
    }
    if !options.audiences.is_empty() {
        let aud: Vec<String> = match token.claims.get("aud") {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        };
        if !aud.iter().any(|a| options.audiences.contains(a)) {
            problems.push(TokenProblem::WrongAudience { aud });
        }
    }
    // STS reports an expired token before anything else (seed README).
    problems.sort_by_key(|p| !matches!(p, TokenProblem::Expired { .. }));
    TokenChecks {
        signature,
        problems,
    }
}

fn numeric(token: &Token, claim: &str) -> Option<i64> {
    match token.claims.get(claim)? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        _ => None,
    }
}
