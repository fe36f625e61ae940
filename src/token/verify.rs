//! Signature verification against a JWKS read from a file (no network, ever).

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use thiserror::Error;

use super::Token;

/// A JWKS file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid JWKS: {message}")]
pub struct JwksError {
    pub message: String,
    /// 1-based line and column, when the JSON itself is at fault.
    pub line: usize,
    pub column: usize,
}

/// Parse a JWKS document (`{"keys": [...]}`).
pub fn parse_jwks(bytes: &[u8]) -> Result<JwkSet, JwksError> {
    serde_json::from_slice::<JwkSet>(bytes).map_err(|e| JwksError {
        message: e.to_string(),
        line: e.line(),
        column: e.column(),
    })
}

/// What became of the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signature {
    /// No JWKS was given: the signature was not checked.
    NotChecked,
    /// Verified with the key of this id.
    Verified { kid: Option<String> },
    /// Verification failed.
    Invalid { reason: String },
}

/// The algorithms STS accepts for a web identity token (R7.8): RSA and ECDSA, never HMAC or
/// `none`.
pub const STS_ALGORITHMS: [&str; 6] = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"];

/// Whether STS accepts a token whose header names `alg` (case-sensitive, as JOSE is).
pub fn sts_accepts(alg: Option<&str>) -> bool {
    alg.is_some_and(|a| STS_ALGORITHMS.contains(&a))
}

/// Verify `token` with the matching key of `jwks`: by `kid`, or the only key when the token
/// names none. The algorithm must be one the key supports; the token cannot choose it freely.
pub(super) fn verify(token: &Token, jwks: &JwkSet) -> Signature {
    let invalid = |reason: String| Signature::Invalid { reason };
    let alg = match token.header.alg.as_deref() {
        None => return invalid("the header has no `alg`".into()),
        Some("none") => return invalid("the token is unsigned (`alg: none`)".into()),
        Some(a) if !sts_accepts(Some(a)) => {
            return invalid(format!("STS does not accept algorithm `{a}`"))
        }
        Some(a) => match a.parse::<Algorithm>() {
            Ok(alg) => alg,
            Err(_) => return invalid(format!("unsupported algorithm `{a}`")),
        },
    };
    let jwk = match &token.header.kid {
        Some(kid) => match jwks.find(kid) {
            Some(k) => k,
            None => return invalid(format!("no key with kid `{kid}` in the JWKS")),
        },
        None => match jwks.keys.as_slice() {
            [only] => only,
            _ => return invalid("the token has no `kid` and the JWKS has several keys".into()),
        },
    };
    if let Some(key_alg) = jwk.common.key_algorithm {
        if key_alg.to_string() != alg_name(alg) {
            return invalid(format!(
                "the token says `{}` but the key is for `{key_alg}`",
                alg_name(alg)
            ));
        }
    }
    let key = match DecodingKey::from_jwk(jwk) {
        Ok(k) => k,
        Err(e) => return invalid(format!("the JWKS key cannot be used: {e}")),
    };
    let mut validation = Validation::new(alg);
    // Time, audience and issuer are checked by `checks` against the caller's clock and lists.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    match jsonwebtoken::decode::<serde_json::Value>(token.compact(), &key, &validation) {
        Ok(_) => Signature::Verified {
            kid: token.header.kid.clone(),
        },
        Err(e) => invalid(format!("{e}")),
    }
}

fn alg_name(alg: Algorithm) -> String {
    format!("{alg:?}")
}
