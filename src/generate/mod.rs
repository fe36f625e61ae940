//! `rolecall policy`: write the tightest trust policy for an intended scope, in the provider's
//! own terms.
//!
//! An [`Intent`] names one provider's scope (a Bitbucket repository, a GitHub environment, a
//! GitLab protected branch, ...) and the account. [`generate`] turns it into a [`Generated`]
//! policy: the exact principal ARN of the provider's issuer, only
//! `sts:AssumeRoleWithWebIdentity` (plus `sts:TagSession` when asked), the provider's documented
//! audience under `StringEquals`, and the scope on the claims AWS exposes, with `StringEquals`
//! for exact values and `StringLike` only where a wildcard is needed. [`Generated::render`]
//! writes it as IAM JSON, CloudFormation YAML, Terraform HCL or a CDK snippet.

pub mod cdk;
mod cloud;
mod error;
mod flags;
mod from_token;
mod from_token_pipelines;
mod git_hosts;
mod infra;
mod names;
mod pipelines;
mod render;
mod scope;

pub use error::GenerateError;
pub use flags::{scope_from_flags, Flags, PROVIDERS};
pub use from_token::{intent_from_token, TokenScope};
pub use render::Format;
pub use scope::{AzureTarget, GitHubContext, GitLabRef, GitRef, Scope};

use crate::request::ClaimSet;

/// What the role is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    pub scope: Scope,
    /// The 12-digit AWS account that holds the OIDC provider.
    pub account: String,
    /// Also allow `sts:TagSession` (session tags from the token's claims).
    pub tag_session: bool,
}

/// How a condition compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Compare {
    /// `StringEquals`: an exact value.
    Equals,
    /// `StringLike`: a value with a `*` or `?` wildcard.
    Like,
    /// `ForAnyValue:StringLike`: some value of a multivalued claim (Cognito's `amr`).
    AnyValueLike,
}

impl Compare {
    pub fn operator(self) -> &'static str {
        match self {
            Compare::Equals => "StringEquals",
            Compare::Like => "StringLike",
            Compare::AnyValueLike => "ForAnyValue:StringLike",
        }
    }

    /// The operator values need: `StringLike` only when one has a wildcard.
    pub fn for_values(values: &[String]) -> Self {
        if values.iter().any(|v| v.contains(['*', '?'])) {
            Compare::Like
        } else {
            Compare::Equals
        }
    }
}

/// One condition on a claim: `<issuer>:<claim>` compared with `values` (any one matches).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cond {
    pub compare: Compare,
    pub claim: String,
    pub values: Vec<String>,
}

/// A generated trust policy, ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The provider profile id (`bitbucket`, `github`, ...).
    pub provider: &'static str,
    /// The issuer URL without `https://`: the OIDC provider's name and the condition-key prefix.
    pub issuer: String,
    /// The issuer is one of AWS's own providers: the principal is its bare name.
    pub builtin: bool,
    pub account: String,
    pub tag_session: bool,
    /// The conditions, `aud` first.
    pub conditions: Vec<Cond>,
    /// The scope in words (`deployments of repository {…} to environment {…}`).
    pub description: String,
}

impl Generated {
    /// `arn:aws:iam::<account>:oidc-provider/<issuer>`, or the bare name of AWS's own
    /// providers (`accounts.google.com`).
    pub fn principal(&self) -> String {
        if self.builtin {
            self.issuer.clone()
        } else {
            principal_arn(&self.account, &self.issuer)
        }
    }

    /// The actions, in order.
    pub fn actions(&self) -> Vec<&'static str> {
        let mut a = vec!["sts:AssumeRoleWithWebIdentity"];
        if self.tag_session {
            a.push("sts:TagSession");
        }
        a
    }

    /// The policy in the given form.
    pub fn render(&self, format: Format) -> String {
        render::render(self, format)
    }
}

pub fn principal_arn(account: &str, issuer: &str) -> String {
    format!("arn:aws:iam::{account}:oidc-provider/{issuer}")
}

/// The tightest trust policy for `intent`.
pub fn generate(intent: &Intent) -> Result<Generated, GenerateError> {
    if intent.account.len() != 12 || !intent.account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(GenerateError::new(
            "--account",
            format!("`{}` is not an AWS account id (12 digits)", intent.account),
        ));
    }
    let spec = intent.scope.spec()?;
    let mut conditions = vec![Cond {
        compare: Compare::Equals,
        claim: "aud".into(),
        values: vec![spec.audience],
    }];
    conditions.extend(spec.conditions);
    // A condition on a claim AWS does not expose would never match: a generator bug, not the
    // user's, but refused rather than printed.
    let claims = ClaimSet::of(&spec.issuer);
    if let Some(c) = conditions.iter().find(|c| !claims.exposes(&c.claim)) {
        return Err(GenerateError::new(
            "--provider",
            format!(
                "`{}` is not a condition key AWS exposes for `{}`",
                c.claim, spec.issuer
            ),
        ));
    }
    Ok(Generated {
        provider: intent.scope.provider(),
        issuer: spec.issuer,
        builtin: spec.builtin,
        account: intent.account.clone(),
        tag_session: intent.tag_session,
        conditions,
        description: spec.description,
    })
}

#[cfg(test)]
mod tests;
