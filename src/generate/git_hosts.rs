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
    enterprise: Option<&str>,
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
    let issuer = match enterprise {
        Some(slug) => {
            name("--enterprise", slug, &['/', '@'])?;
            format!("token.actions.githubusercontent.com/{slug}")
        }
        None => "token.actions.githubusercontent.com".into(),
    };
    Ok(Spec::oidc(
        issuer,
        "sts.amazonaws.com",
        vec![cond("sub", format!("repo:{path}:{tail}"))],
        words,
    ))
}

/// GitLab: audience the instance URL, `sub`
/// `project_path:PATH:ref_type:branch|tag:ref:REF`. On gitlab.com AWS also exposes
/// `project_id` and `ref_protected`; a whole-project subject ends in `*`, so it needs the
/// project id (which also survives a renamed or re-created path). A self-managed instance has
/// only `aud` and `sub`, so it takes branch and tag scopes only.
pub(super) fn gitlab(
    host: Option<&str>,
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
    if let Some(h) = host {
        let host_ok = !h.is_empty()
            && h != "gitlab.com"
            && h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'/' | b'_'));
        if !host_ok {
            return Err(GenerateError::new(
                "--host",
                format!("`{h}` is not a self-managed GitLab host (`gitlab.example.com`)"),
            ));
        }
        let gitlab_com_only = if project_id.is_some() {
            Some("--project-id")
        } else if matches!(
            git_ref,
            GitLabRef::Branch {
                protected: true,
                ..
            }
        ) {
            Some("--protected-branch")
        } else {
            None
        };
        if let Some(flag) = gitlab_com_only {
            return Err(GenerateError::new(
                flag,
                "AWS exposes `project_id` and `ref_protected` as condition keys for gitlab.com \
                 only; a self-managed instance has `aud` and `sub`",
            ));
        }
        if *git_ref == GitLabRef::Any {
            return Err(GenerateError::new(
                "--branch",
                "a self-managed instance has no `project_id` key to pin a whole project \
                 exactly (its subject would end in `*`): name --branch or --tag",
            ));
        }
    }
    if *git_ref == GitLabRef::Any && project_id.is_none() {
        return Err(GenerateError::new(
            "--project-id",
            "a whole-project subject ends in `*`: pin the project on `project_id` too (it also \
             keeps out a project re-created at the same path)",
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
    let issuer = host.unwrap_or("gitlab.com");
    Ok(Spec::oidc(
        issuer.to_string(),
        &format!("https://{issuer}"),
        conditions,
        words,
    ))
}
