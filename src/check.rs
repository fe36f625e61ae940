//! `check` as a library call: policy + claims (+ token checks) to a final verdict.
//!
//! [`run`] is the front door: everything `rolecall check` decides, from a [`CheckRequest`].
//! [`check`] is the step after it (a principal already known, token checks already made),
//! which the linter uses to confirm its witnesses.

use std::net::IpAddr;

use serde_json::{Map, Value};
use thiserror::Error;

use crate::eval::{evaluate, Decision, Verdict};
use crate::policy::{Policy, Principal, PrincipalKind};
use crate::request::{self, issuer_prefix, key_prefix, ClaimSet, Request, RequestInput};
use crate::timestamp::{self, Nanos};
use crate::token::{self, CheckOptions, Token, TokenChecks};

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
    /// A typed condition key given a value of the wrong type (`aws:SourceIp=garbage`).
    #[error("--context `{key}={value}`: `{key}` must be {expected}")]
    InvalidContext {
        key: String,
        value: String,
        expected: &'static str,
    },
    /// A key given both by its own flag and by `--context`.
    #[error("`{key}` is given twice: by {flag} and by --context; give it once")]
    ContextConflict { key: String, flag: &'static str },
    #[error("--source-ip `{0}` is not an IPv4 or IPv6 address")]
    InvalidSourceIp(String),
}

impl CheckError {
    /// Kebab-case diagnostic code.
    pub fn code(&self) -> &'static str {
        match self {
            CheckError::NoIssuer => "no-issuer",
            CheckError::InvalidContext { .. }
            | CheckError::ContextConflict { .. }
            | CheckError::InvalidSourceIp(_) => "invalid-argument",
        }
    }

    /// What to do about it, when there is something to say.
    pub fn help(&self) -> Option<&'static str> {
        match self {
            CheckError::NoIssuer => {
                Some("pass --provider with the provider ARN (or built-in domain)")
            }
            CheckError::ContextConflict { .. } => Some("drop one of the two"),
            _ => None,
        }
    }
}

/// Who is asking: decoded claims, or a token whose checks STS makes.
#[derive(Debug, Clone, Copy)]
pub enum Identity<'a> {
    Claims(&'a Map<String, Value>),
    Token {
        token: &'a Token,
        /// Verify the signature against these keys (offline).
        jwks: Option<&'a jsonwebtoken::jwk::JwkSet>,
        /// The client IDs registered on the provider; empty: not checked.
        audiences: &'a [String],
    },
}

/// Everything `rolecall check` is asked.
#[derive(Debug, Clone, Copy)]
pub struct CheckRequest<'a> {
    pub policy: &'a Policy,
    pub identity: Identity<'a>,
    /// The caller's principal string; derived from `iss` when `None`.
    pub provider: Option<&'a str>,
    /// `aws:SourceIp`; `None`: absent, as for a call through a VPC endpoint.
    pub source_ip: Option<IpAddr>,
    pub now: Nanos,
    /// Extra condition keys (`--context KEY=VALUE`). Typed keys are validated by [`run`].
    pub context: &'a [(String, String)],
}

/// What [`run`] answers.
pub type CheckOutcome = CheckReport;

/// Condition keys the request builds itself, with the type their value must have. Given by
/// `--context`, they are checked like their own flags.
pub const TYPED_CONTEXT_KEYS: &[(&str, &str)] = &[
    ("aws:SourceIp", "an IPv4 or IPv6 address"),
    ("aws:CurrentTime", "an RFC 3339 date-time"),
    ("aws:EpochTime", "whole seconds since 1970"),
    ("aws:SecureTransport", "`true` or `false`"),
];

/// Parse `--source-ip`.
pub fn parse_source_ip(s: &str) -> Result<IpAddr, CheckError> {
    s.trim()
        .parse()
        .map_err(|_| CheckError::InvalidSourceIp(s.to_string()))
}

fn valid_typed(key_lower: &str, value: &str) -> bool {
    let v = value.trim();
    match key_lower {
        "aws:sourceip" => v.parse::<IpAddr>().is_ok(),
        "aws:currenttime" => v.contains('T') && timestamp::parse(v).is_some(),
        "aws:epochtime" => v.parse::<i64>().is_ok(),
        "aws:securetransport" => v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false"),
        _ => true,
    }
}

/// Check the `--context` keys: typed keys must have values of their type, and a key with its
/// own flag cannot be given both ways.
pub fn validate_context(
    context: &[(String, String)],
    source_ip: Option<IpAddr>,
) -> Result<(), CheckError> {
    for (k, v) in context {
        let lower = k.to_ascii_lowercase();
        if let Some((name, expected)) = TYPED_CONTEXT_KEYS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(&lower))
        {
            if lower == "aws:sourceip" && source_ip.is_some() {
                return Err(CheckError::ContextConflict {
                    key: (*name).to_string(),
                    flag: "--source-ip",
                });
            }
            if !valid_typed(&lower, v) {
                return Err(CheckError::InvalidContext {
                    key: k.clone(),
                    value: v.clone(),
                    expected,
                });
            }
        }
    }
    Ok(())
}

/// The whole of `check`: validate the context, make the token's checks (against the
/// providers the policy trusts), find the caller's principal (from `iss` unless given), build
/// the request and evaluate.
pub fn run(req: &CheckRequest<'_>) -> Result<CheckOutcome, CheckError> {
    validate_context(req.context, req.source_ip)?;
    let (claims, checks) = match req.identity {
        Identity::Claims(c) => (c, None),
        Identity::Token {
            token: t,
            jwks,
            audiences,
        } => {
            let prefixes = trusted_prefixes(req.policy);
            let checks = token::check(
                t,
                &CheckOptions {
                    now: req.now,
                    jwks,
                    audiences,
                    trusted_prefixes: &prefixes,
                },
            );
            (&t.claims, Some(checks))
        }
    };
    check(
        req.policy,
        &CheckInput {
            claims,
            provider: req.provider,
            source_ip: req.source_ip,
            now: req.now,
            extra: req.context,
        },
        checks,
    )
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
