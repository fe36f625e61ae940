//! `check` as a library call: policy + claims (+ token checks) to a final verdict.

use std::net::IpAddr;

use serde_json::{Map, Value};
use thiserror::Error;

use crate::eval::{evaluate, Decision, Verdict};
use crate::policy::{Policy, Principal, PrincipalKind};
use crate::request::{self, issuer_prefix, key_prefix, ClaimSet, Request, RequestInput};
use crate::timestamp::Nanos;
use crate::token::TokenChecks;

/// What the request is made of, besides the policy.
#[derive(Debug, Clone)]
pub struct CheckInput<'a> {
    pub claims: &'a Map<String, Value>,
    /// The caller's principal string; derived from `iss` when `None`.
    pub provider: Option<&'a str>,
    pub source_ip: Option<IpAddr>,
    pub now: Nanos,
    pub extra: &'a [(String, String)],
}

/// Why a request cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CheckError {
    #[error("the claims have no `iss`, so the provider is unknown: pass it explicitly")]
    NoIssuer,
}

/// The full answer.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// What STS answers: Deny when the token fails its checks, else the policy's verdict.
    pub verdict: Verdict,
    /// What the policy alone decides.
    pub decision: Decision,
    pub request: Request,
    /// Present when a token (not bare claims) was checked.
    pub token: Option<TokenChecks>,
}

/// Key prefixes of every Federated principal in the policy.
pub fn trusted_prefixes(policy: &Policy) -> Vec<String> {
    federated(policy)
        .map(|v| key_prefix(v).to_string())
        .collect()
}

fn federated(policy: &Policy) -> impl Iterator<Item = &str> {
    policy.statements.iter().flat_map(|s| match &s.principal {
        Principal::Entries(entries, _) => entries
            .iter()
            .filter(|e| e.kind == PrincipalKind::Federated)
            .map(|e| e.value.as_str())
            .collect::<Vec<_>>(),
        Principal::Everyone(_) => Vec::new(),
    })
}

/// The caller's principal string for an issuer: a built-in provider's domain, else the policy's
/// provider ARN for that URL (the role's account), else an ARN in an unknown account.
pub fn principal_for_issuer(policy: &Policy, iss: &str) -> String {
    let prefix = issuer_prefix(iss);
    if ClaimSet::of(prefix).is_builtin() {
        return prefix.to_string();
    }
    federated(policy)
        .find(|v| v.starts_with("arn:") && key_prefix(v) == prefix)
        .map(str::to_string)
        .unwrap_or_else(|| format!("arn:aws:iam::<role-account>:oidc-provider/{prefix}"))
}

/// Build the request and evaluate.
pub fn check(
    policy: &Policy,
    input: &CheckInput<'_>,
    token: Option<TokenChecks>,
) -> Result<CheckReport, CheckError> {
    let principal = match input.provider {
        Some(p) => p.to_string(),
        None => {
            let iss = input
                .claims
                .get("iss")
                .and_then(Value::as_str)
                .ok_or(CheckError::NoIssuer)?;
            principal_for_issuer(policy, iss)
        }
    };
    let request = request::build(&RequestInput {
        principal: &principal,
        claims: input.claims,
        source_ip: input.source_ip,
        now: input.now,
        extra: input.extra,
    });
    let decision = evaluate(policy, &request);
    let token_ok = token.as_ref().is_none_or(|t| t.problems.is_empty());
    let verdict = if token_ok {
        decision.verdict
    } else {
        Verdict::Deny
    };
    Ok(CheckReport {
        verdict,
        decision,
        request,
        token,
    })
}
