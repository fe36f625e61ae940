//! The checks STS makes before it evaluates the policy (semantics §7). Each failure carries the
//! error code STS would return.

use jsonwebtoken::jwk::JwkSet;
use serde_json::Value;

use super::verify::{verify, Signature, STS_ALGORITHMS};
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
    /// The header's `alg` is not one STS accepts (R7.8); `None` when the header has no `alg`.
    UnsupportedAlgorithm {
        alg: Option<String>,
    },
    /// A time claim is present but is not written as an integer (R7.8).
    NonIntegerTimestamp {
        claim: &'static str,
        found: String,
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
            TokenProblem::UnsupportedAlgorithm { alg } => {
                let what = match alg.as_deref() {
                    None => "the token's header has no `alg`".to_string(),
                    Some("none") => "the token is unsigned (`alg: none`)".to_string(),
                    Some(a) => format!("the token is signed with `{a}`"),
                };
                format!(
                    "{what}; STS accepts only tokens signed with {}",
                    STS_ALGORITHMS.join(", ")
                )
            }
            TokenProblem::NonIntegerTimestamp { claim, found } => format!(
                "the `{claim}` claim is {found}; STS accepts only integer timestamps \
                 (seconds since the epoch)"
            ),
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
    if !super::verify::sts_accepts(token.header.alg.as_deref()) {
        problems.push(TokenProblem::UnsupportedAlgorithm {
            alg: token.header.alg.clone(),
        });
    }
    let signature = match options.jwks {
        Some(jwks) => verify(token, jwks),
        None => Signature::NotChecked,
    };
    // An algorithm STS refuses is reported once, above, not again as a signature failure.
    let alg_refused = problems
        .iter()
        .any(|p| matches!(p, TokenProblem::UnsupportedAlgorithm { .. }));
    if let (Signature::Invalid { reason }, false) = (&signature, alg_refused) {
        problems.push(TokenProblem::BadSignature {
            reason: reason.clone(),
        });
    }
    let exp = integer(token, "exp", &mut problems);
    let nbf = integer(token, "nbf", &mut problems);
    // `iat` decides nothing here; only its form is checked.
    let _ = integer(token, "iat", &mut problems);
    match exp {
        // [UNDOC] R7.4: STS's clock skew is not documented; no leeway is allowed here.
        Ok(Some(exp)) if exp <= now => problems.push(TokenProblem::Expired { exp, now }),
        Ok(Some(_)) | Err(()) => {}
        Ok(None) => problems.push(TokenProblem::MissingExpiry),
    }
    if let Ok(Some(nbf)) = nbf {
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

/// A time claim as integer seconds: `Ok(None)` when absent, `Err` (after recording the
/// problem) when present but not an integer. `1.7e9`, `1767225600.0` and `"1767225600"` are
/// all refused: STS reads only integer timestamps (R7.8).
fn integer(
    token: &Token,
    claim: &'static str,
    problems: &mut Vec<TokenProblem>,
) -> Result<Option<i64>, ()> {
    let Some(value) = token.claims.get(claim) else {
        return Ok(None);
    };
    let found = match value {
        Value::Number(n) if n.is_i64() => return Ok(n.as_i64()),
        // Beyond i64 but still an integer: far in the future, so never expired.
        Value::Number(n) if n.is_u64() => return Ok(Some(i64::MAX)),
        Value::Number(n) => format!("the non-integer number {n}"),
        Value::String(_) => "a string".to_string(),
        Value::Bool(_) => "a boolean".to_string(),
        Value::Null => "null".to_string(),
        Value::Array(_) => "an array".to_string(),
        Value::Object(_) => "an object".to_string(),
    };
    problems.push(TokenProblem::NonIntegerTimestamp { claim, found });
    Err(())
}
