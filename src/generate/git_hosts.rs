//! The git hosts: Bitbucket Pipelines, GitHub Actions, GitLab CI/CD.

use super::error::GenerateError;
use super::names::{braced, cond, digits, name, pattern};
use super::scope::{GitHubContext, GitLabRef, Spec};
use crate::providers::is_uuid;

pub(super) fn bitbucket(
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
        builtin: false,
    })
}

pub(super) fn github(
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
        builtin: false,
    })
}

pub(super) fn gitlab(
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
        builtin: false,
    })
}
