//! An intent from a real token's claims: the provider from `iss`, the scope from the claims
//! AWS exposes for it. A scope AWS cannot express for the provider is refused, with the
//! nearest scope it can express named in the message.

use serde_json::{Map, Value};

use super::error::GenerateError;
use super::from_token_pipelines as pipelines;
use super::scope::{GitHubContext, GitLabRef, Scope};
use super::Intent;

/// The scope asked of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenScope {
    Repository,
    Environment,
    Branch,
}

impl TokenScope {
    fn as_str(self) -> &'static str {
        match self {
            TokenScope::Repository => "repository",
            TokenScope::Environment => "environment",
            TokenScope::Branch => "branch",
        }
    }
}

const INPUT: &str = "--from-token";

pub(super) fn claim<'a>(
    claims: &'a Map<String, Value>,
    name: &str,
) -> Result<&'a str, GenerateError> {
    claims.get(name).and_then(Value::as_str).ok_or_else(|| {
        GenerateError::new(INPUT, format!("the token has no `{name}` claim (a string)"))
    })
}

pub(super) fn unsupported(provider: &str, scope: TokenScope, why: &str) -> GenerateError {
    GenerateError::new(
        INPUT,
        format!(
            "a {provider} {} scope cannot be expressed in a trust policy: {why}",
            scope.as_str()
        ),
    )
}

/// The intent a token's claims state for `scope`.
pub fn intent_from_token(
    claims: &Map<String, Value>,
    scope: TokenScope,
    account: &str,
    tag_session: bool,
) -> Result<Intent, GenerateError> {
    let iss = claim(claims, "iss")?;
    let issuer = iss.strip_prefix("https://").unwrap_or(iss);
    let scope = if let Some(workspace) = issuer
        .strip_prefix("api.bitbucket.org/2.0/workspaces/")
        .and_then(|r| r.strip_suffix("/pipelines-config/identity/oidc"))
    {
        bitbucket(claims, workspace, scope)?
    } else if let Some(enterprise) = github_issuer(issuer) {
        github(claims, scope, enterprise)?
    } else if issuer == "gitlab.com" {
        gitlab(claims, scope)?
    } else if issuer == "app.terraform.io" {
        pipelines::hcp_terraform(claims, scope)?
    } else if let Some(org_id) = issuer.strip_prefix("oidc.circleci.com/org/") {
        pipelines::circleci(claims, org_id, scope)?
    } else if issuer == "agent.buildkite.com" {
        pipelines::buildkite(claims, scope)?
    } else if let Some(org) = issuer
        .strip_suffix(".semaphoreci.com")
        .filter(|org| !org.is_empty() && !org.contains(['/', '.']))
    {
        pipelines::semaphore(claims, org, scope)?
    } else {
        return Err(GenerateError::new(
            INPUT,
            format!(
                "`{iss}` is not an issuer `--from-token` knows (Bitbucket, GitHub, GitLab.com, \
                 HCP Terraform, CircleCI, Buildkite, Semaphore); name the provider instead: \
                 `rolecall policy <provider> --help`"
            ),
        ));
    };
    Ok(Intent {
        scope,
        account: account.to_string(),
        tag_session,
    })
}

fn bitbucket(
    claims: &Map<String, Value>,
    workspace: &str,
    scope: TokenScope,
) -> Result<Scope, GenerateError> {
    // The subject carries the repository and, for deployment steps, the environment: the
    // only claim AWS exposes besides `aud`.
    let sub = claim(claims, "sub")?;
    let parts: Vec<&str> = sub.split(':').collect();
    let (repository, environment) = match parts.as_slice() {
        [repo, _step] => (*repo, None),
        [repo, env, _step] => (*repo, Some(*env)),
        _ => {
            return Err(GenerateError::new(
                INPUT,
                format!("the token's `sub` `{sub}` is not Bitbucket's `{{repo}}[:{{environment}}]:{{step}}`"),
            ))
        }
    };
    let workspace_uuid = claim(claims, "workspaceUuid")?;
    let environment = match scope {
        TokenScope::Repository => None,
        TokenScope::Environment => Some(environment.ok_or_else(|| {
            unsupported(
                "Bitbucket",
                scope,
                "the token is not from a deployment step (its `sub` names no environment)",
            )
        })?),
        TokenScope::Branch => {
            return Err(unsupported(
                "Bitbucket",
                scope,
                "AWS exposes only `aud` and `sub`, and `branchName` is not a condition key; \
                 the tightest expressible scopes are `repository` and `environment`",
            ))
        }
    };
    Ok(Scope::Bitbucket {
        workspace: workspace.to_string(),
        workspace_uuid: workspace_uuid.to_string(),
        repository: repository.to_string(),
        environment: environment.map(str::to_string),
    })
}

/// GitHub's issuer, or an enterprise's own (`token.actions.githubusercontent.com/<slug>`):
/// `Some(None)` and `Some(Some(slug))`.
fn github_issuer(issuer: &str) -> Option<Option<&str>> {
    match issuer.strip_prefix("token.actions.githubusercontent.com") {
        Some("") => Some(None),
        Some(rest) => rest
            .strip_prefix('/')
            .filter(|slug| !slug.is_empty() && !slug.contains('/'))
            .map(Some),
        None => None,
    }
}

fn github(
    claims: &Map<String, Value>,
    scope: TokenScope,
    enterprise: Option<&str>,
) -> Result<Scope, GenerateError> {
    let repository = claim(claims, "repository")?;
    let (owner, repo) = repository.split_once('/').ok_or_else(|| {
        GenerateError::new(
            INPUT,
            format!("the token's `repository` `{repository}` is not `owner/repo`"),
        )
    })?;
    // The token's own subject form says whether it uses immutable ids.
    let immutable = claim(claims, "sub")?.starts_with(&format!("repo:{owner}@"));
    let ids = if immutable {
        Some((
            claim(claims, "repository_owner_id")?.to_string(),
            claim(claims, "repository_id")?.to_string(),
        ))
    } else {
        None
    };
    let context = match scope {
        TokenScope::Repository => {
            return Err(unsupported(
                "GitHub",
                scope,
                "a whole-repository subject admits pull-request runs; ask for `environment` or `branch`",
            ))
        }
        TokenScope::Environment => GitHubContext::Environment(
            claim(claims, "environment")
                .map_err(|_| unsupported("GitHub", scope, "the token's job names no environment"))?
                .to_string(),
        ),
        TokenScope::Branch => {
            let r = claim(claims, "ref")?;
            let branch = r
                .strip_prefix("refs/heads/")
                .ok_or_else(|| unsupported("GitHub", scope, &format!("the token's ref `{r}` is not a branch")))?;
            if claims.get("environment").is_some() {
                // A job with an environment has an `environment:` subject, never a `ref:` one.
                return Err(unsupported("GitHub", scope, "the token's job names an environment, so its subject names that, not the branch"));
            }
            GitHubContext::Branch(branch.to_string())
        }
    };
    Ok(Scope::GitHub {
        owner: owner.to_string(),
        repo: repo.to_string(),
        ids,
        context,
        enterprise: enterprise.map(str::to_string),
    })
}

fn gitlab(claims: &Map<String, Value>, scope: TokenScope) -> Result<Scope, GenerateError> {
    let project = claim(claims, "project_path")?.to_string();
    let project_id = claims.get("project_id").and_then(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    });
    let git_ref = match scope {
        TokenScope::Repository => GitLabRef::Any,
        TokenScope::Environment => {
            return Err(unsupported(
                "GitLab",
                scope,
                "AWS does not expose GitLab's `environment` claim as a condition key",
            ))
        }
        TokenScope::Branch => {
            if claim(claims, "ref_type")? != "branch" {
                return Err(unsupported(
                    "GitLab",
                    scope,
                    "the token is not from a branch pipeline",
                ));
            }
            GitLabRef::Branch {
                name: claim(claims, "ref")?.to_string(),
                protected: claim(claims, "ref_protected").is_ok_and(|p| p == "true"),
            }
        }
    };
    Ok(Scope::GitLab {
        host: None,
        project,
        project_id,
        git_ref,
    })
}
