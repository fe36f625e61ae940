//! Each provider's scopes, in its own terms, and the conditions that pin them.
//!
//! Only claims AWS exposes as condition keys are used (`request::ClaimSet::exposed`); the
//! subject grammars are the provider profiles' (`providers::builtin`).

use super::error::GenerateError;
use super::{Compare, Cond};
use crate::providers::{is_braced_uuid, is_uuid};

/// An intended scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Bitbucket Pipelines: steps of one repository, or its deployments to one environment.
    Bitbucket {
        /// The workspace slug, as in the issuer URL.
        workspace: String,
        /// The workspace UUID (with or without braces): the default audience names it.
        workspace_uuid: String,
        /// `{uuid}`.
        repository: String,
        /// `{uuid}`: deployment steps to this environment only.
        environment: Option<String>,
    },
    /// GitHub Actions: one repository, and one environment, branch or tag of it.
    GitHub {
        owner: String,
        repo: String,
        /// `(owner_id, repo_id)`: the immutable `owner@id/repo@id` subject.
        ids: Option<(String, String)>,
        context: GitHubContext,
    },
    /// GitLab CI/CD (gitlab.com): one project, optionally one (protected) branch or tag.
    GitLab {
        /// `group[/subgroup...]/project`.
        project: String,
        project_id: Option<String>,
        git_ref: GitLabRef,
    },
    /// HCP Terraform: one workspace, optionally one run phase.
    HcpTerraform {
        organization: String,
        project: String,
        workspace: String,
        run_phase: Option<String>,
    },
    /// CircleCI: one project of one organization (both UUIDs).
    CircleCi { org_id: String, project_id: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitHubContext {
    Environment(String),
    Branch(String),
    Tag(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitLabRef {
    /// Any ref of the project.
    Any,
    /// A branch; `protected` adds `ref_protected = true`.
    Branch {
        name: String,
        protected: bool,
    },
    Tag(String),
}

/// What a scope becomes.
pub(super) struct Spec {
    pub issuer: String,
    pub audience: String,
    pub conditions: Vec<Cond>,
    pub description: String,
}

impl Scope {
    pub fn provider(&self) -> &'static str {
        match self {
            Scope::Bitbucket { .. } => "bitbucket",
            Scope::GitHub { .. } => "github",
            Scope::GitLab { .. } => "gitlab",
            Scope::HcpTerraform { .. } => "hcp-terraform",
            Scope::CircleCi { .. } => "circleci",
        }
    }

    pub(super) fn spec(&self) -> Result<Spec, GenerateError> {
        match self {
            Scope::Bitbucket {
                workspace,
                workspace_uuid,
                repository,
                environment,
            } => bitbucket(
                workspace,
                workspace_uuid,
                repository,
                environment.as_deref(),
            ),
            Scope::GitHub {
                owner,
                repo,
                ids,
                context,
            } => github(owner, repo, ids.as_ref(), context),
            Scope::GitLab {
                project,
                project_id,
                git_ref,
            } => gitlab(project, project_id.as_deref(), git_ref),
            Scope::HcpTerraform {
                organization,
                project,
                workspace,
                run_phase,
            } => hcp_terraform(organization, project, workspace, run_phase.as_deref()),
            Scope::CircleCi { org_id, project_id } => circleci(org_id, project_id),
        }
    }
}

fn cond(claim: &str, value: String) -> Cond {
    Cond {
        compare: Compare::for_value(&value),
        claim: claim.to_string(),
        value,
    }
}

/// A name that must match itself only: no wildcard, no policy variable, no `:` (which would
/// shift the subject's fields), not empty.
fn name(input: &'static str, value: &str, extra_forbidden: &[char]) -> Result<(), GenerateError> {
    let bad = value.is_empty()
        || value.contains(['*', '?', '$', ':'])
        || value.contains(extra_forbidden)
        || value.chars().any(char::is_control);
    if bad {
        return Err(GenerateError::new(
            input,
            format!(
                "`{value}` is not a name rolecall can pin exactly (empty, or it has a wildcard, \
                 `$`, `:` or a control character)"
            ),
        ));
    }
    Ok(())
}

/// A ref or environment name: wildcards allowed (they make the condition `StringLike`), but no
/// policy variable or control character.
fn pattern(input: &'static str, value: &str) -> Result<(), GenerateError> {
    if value.is_empty() || value.contains('$') || value.chars().any(char::is_control) {
        return Err(GenerateError::new(
            input,
            format!("`{value}` is empty, or has `$` or a control character"),
        ));
    }
    Ok(())
}

fn braced(input: &'static str, value: &str) -> Result<(), GenerateError> {
    if is_braced_uuid(value) {
        Ok(())
    } else {
        Err(GenerateError::new(
            input,
            format!("`{value}` is not a UUID in braces, as Bitbucket writes it (`{{1de4...}}`)"),
        ))
    }
}

fn digits(input: &'static str, value: &str) -> Result<(), GenerateError> {
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(GenerateError::new(
            input,
            format!("`{value}` is not a numeric id"),
        ))
    }
}

fn bitbucket(
    workspace: &str,
    workspace_uuid: &str,
    repository: &str,
    environment: Option<&str>,
) -> Result<Spec, GenerateError> {
    name("--workspace", workspace, &['/'])?;
    let bare = workspace_uuid
        .strip_prefix('{')
        .and_then(|u| u.strip_suffix('}'))
        .unwrap_or(workspace_uuid);
    if !is_uuid(bare) {
        return Err(GenerateError::new(
            "--workspace-uuid",
            format!("`{workspace_uuid}` is not a UUID"),
        ));
    }
    braced("--repository", repository)?;
    // The step UUID changes every run, so the subject always ends in `:*`.
    let (sub, description) = match environment {
        Some(env) => {
            braced("--environment", env)?;
            (
                format!("{repository}:{env}:*"),
                format!("deployment steps of repository {repository} to environment {env}"),
            )
        }
        None => (
            format!("{repository}:*"),
            format!("every step of repository {repository}"),
        ),
    };
    Ok(Spec {
        issuer: format!(
            "api.bitbucket.org/2.0/workspaces/{workspace}/pipelines-config/identity/oidc"
        ),
        audience: format!(
            "ari:cloud:bitbucket::workspace/{}",
            bare.to_ascii_lowercase()
        ),
        conditions: vec![cond("sub", sub)],
        description,
    })
}

fn github(
    owner: &str,
    repo: &str,
    ids: Option<&(String, String)>,
    context: &GitHubContext,
) -> Result<Spec, GenerateError> {
    name("--repository", owner, &['/', '@'])?;
    name("--repository", repo, &['/', '@'])?;
    let path = match ids {
        Some((owner_id, repo_id)) => {
            digits("--owner-id", owner_id)?;
            digits("--repo-id", repo_id)?;
            format!("{owner}@{owner_id}/{repo}@{repo_id}")
        }
        None => format!("{owner}/{repo}"),
    };
    let (tail, words) = match context {
        GitHubContext::Environment(e) => {
            pattern("--environment", e)?;
            // GitHub writes a `:` inside a value as `%3A` in the subject.
            (
                format!("environment:{}", e.replace(':', "%3A")),
                format!("jobs of {owner}/{repo} in environment {e}"),
            )
        }
        GitHubContext::Branch(b) => {
            pattern("--branch", b)?;
            (
                format!("ref:refs/heads/{b}"),
                format!("runs of {owner}/{repo} on branch {b}"),
            )
        }
        GitHubContext::Tag(t) => {
            pattern("--tag", t)?;
            (
                format!("ref:refs/tags/{t}"),
                format!("runs of {owner}/{repo} on tag {t}"),
            )
        }
    };
    Ok(Spec {
        issuer: "token.actions.githubusercontent.com".into(),
        audience: "sts.amazonaws.com".into(),
        conditions: vec![cond("sub", format!("repo:{path}:{tail}"))],
        description: words,
    })
}

fn gitlab(
    project: &str,
    project_id: Option<&str>,
    git_ref: &GitLabRef,
) -> Result<Spec, GenerateError> {
    name("--project", project, &[])?;
    if !project.contains('/')
        || project.starts_with('/')
        || project.ends_with('/')
        || project.contains("//")
    {
        return Err(GenerateError::new(
            "--project",
            format!("`{project}` is not a project path (`group[/subgroup]/project`)"),
        ));
    }
    let mut conditions = Vec::new();
    let (sub, words) = match git_ref {
        GitLabRef::Any => (
            format!("project_path:{project}:*"),
            format!("every pipeline of {project}"),
        ),
        GitLabRef::Branch { name: b, protected } => {
            pattern("--branch", b)?;
            let words = if *protected {
                format!("pipelines of {project} on protected branch {b}")
            } else {
                format!("pipelines of {project} on branch {b}")
            };
            (
                format!("project_path:{project}:ref_type:branch:ref:{b}"),
                words,
            )
        }
        GitLabRef::Tag(t) => {
            pattern("--tag", t)?;
            (
                format!("project_path:{project}:ref_type:tag:ref:{t}"),
                format!("pipelines of {project} on tag {t}"),
            )
        }
    };
    conditions.push(cond("sub", sub));
    if let Some(id) = project_id {
        digits("--project-id", id)?;
        conditions.push(cond("project_id", id.to_string()));
    }
    if matches!(
        git_ref,
        GitLabRef::Branch {
            protected: true,
            ..
        }
    ) {
        conditions.push(cond("ref_protected", "true".into()));
    }
    Ok(Spec {
        issuer: "gitlab.com".into(),
        audience: "https://gitlab.com".into(),
        conditions,
        description: words,
    })
}

fn hcp_terraform(
    organization: &str,
    project: &str,
    workspace: &str,
    run_phase: Option<&str>,
) -> Result<Spec, GenerateError> {
    name("--organization", organization, &[])?;
    name("--project", project, &[])?;
    name("--workspace", workspace, &[])?;
    let phase = match run_phase {
        Some(p @ ("plan" | "apply")) => p,
        Some(p) => {
            return Err(GenerateError::new(
                "--run-phase",
                format!("`{p}` is not a run phase (`plan` or `apply`)"),
            ))
        }
        None => "*",
    };
    let words = match run_phase {
        Some(p) => format!("{p} runs of workspace {workspace} ({organization}/{project})"),
        None => format!("plan and apply runs of workspace {workspace} ({organization}/{project})"),
    };
    Ok(Spec {
        issuer: "app.terraform.io".into(),
        audience: "aws.workload.identity".into(),
        conditions: vec![cond(
            "sub",
            format!("organization:{organization}:project:{project}:workspace:{workspace}:run_phase:{phase}"),
        )],
        description: words,
    })
}

fn circleci(org_id: &str, project_id: &str) -> Result<Spec, GenerateError> {
    for (input, v) in [("--org-id", org_id), ("--project-id", project_id)] {
        if !is_uuid(v) {
            return Err(GenerateError::new(input, format!("`{v}` is not a UUID")));
        }
    }
    Ok(Spec {
        issuer: format!("oidc.circleci.com/org/{org_id}"),
        // CircleCI's audience is the organization id.
        audience: org_id.to_string(),
        conditions: vec![
            cond("sub", format!("org/{org_id}/project/{project_id}/user/*")),
            cond("oidc.circleci.com/project-id", project_id.to_string()),
        ],
        description: format!("jobs of project {project_id}"),
    })
}
