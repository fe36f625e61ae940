//! CI pipelines: CircleCI, Buildkite, Azure DevOps, Harness, Semaphore, Codefresh, Jenkins.

use super::error::GenerateError;
use super::names::{cond, name, pattern};
use super::scope::{AzureTarget, GitRef, Spec};
use crate::providers::is_uuid;

pub(super) fn circleci(org_id: &str, project_id: &str) -> Result<Spec, GenerateError> {
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
        builtin: false,
    })
}

/// Buildkite's AWS guide (<https://buildkite.com/docs/pipelines/security/oidc/aws>): audience
/// `sts.amazonaws.com`, `sub` `organization:ORG:pipeline:PIPE:ref:REF:commit:SHA:step:KEY`. The
/// commit and step change every build, so the subject ends in `*`; the organization and pipeline
/// (and branch) are also pinned on the exact keys AWS exposes for Buildkite
/// (`organization_slug`, `pipeline_slug`, `build_branch`), which no `*` in the subject can reach.
pub(super) fn buildkite(
    organization: &str,
    pipeline: &str,
    branch: Option<&str>,
) -> Result<Spec, GenerateError> {
    name("--organization", organization, &['/'])?;
    name("--pipeline", pipeline, &['/'])?;
    let head = format!("organization:{organization}:pipeline:{pipeline}:ref:");
    let mut conditions = vec![
        cond("organization_slug", organization.to_string()),
        cond("pipeline_slug", pipeline.to_string()),
    ];
    let words = match branch {
        Some(b) => {
            name("--branch", b, &[])?;
            conditions.insert(0, cond("sub", format!("{head}refs/heads/{b}:commit:*")));
            conditions.push(cond("build_branch", b.to_string()));
            format!("builds of pipeline {organization}/{pipeline} on branch {b}")
        }
        None => {
            conditions.insert(0, cond("sub", format!("{head}*")));
            format!("every build of pipeline {organization}/{pipeline}")
        }
    };
    Ok(Spec::oidc(
        "agent.buildkite.com".into(),
        "sts.amazonaws.com",
        conditions,
        words,
    ))
}

/// Azure DevOps (the AWS blog's setup): issuer `vstoken.dev.azure.com/ORG_GUID`, audience
/// `api://AzureADTokenExchange`, and an exact `sub`: `sc://ORG/PROJECT/CONNECTION` for the AWS
/// Toolkit's service-connection token, `p://ORG/PROJECT/PIPELINE` for a pipeline's own.
pub(super) fn azure_devops(
    org_id: &str,
    organization: &str,
    project: &str,
    target: &AzureTarget,
) -> Result<Spec, GenerateError> {
    if !is_uuid(org_id) {
        return Err(GenerateError::new(
            "--org-id",
            format!("`{org_id}` is not the organization's GUID"),
        ));
    }
    name("--organization", organization, &['/'])?;
    name("--project", project, &['/'])?;
    let (sub, words) = match target {
        AzureTarget::ServiceConnection(c) => {
            name("--service-connection", c, &['/'])?;
            (
                format!("sc://{organization}/{project}/{c}"),
                format!("pipelines using service connection {c} of {organization}/{project}"),
            )
        }
        AzureTarget::Pipeline(p) => {
            name("--pipeline", p, &['/'])?;
            (
                format!("p://{organization}/{project}/{p}"),
                format!("runs of pipeline {p} of {organization}/{project}"),
            )
        }
    };
    Ok(Spec::oidc(
        format!("vstoken.dev.azure.com/{org_id}"),
        "api://AzureADTokenExchange",
        vec![cond("sub", sub)],
        words,
    ))
}

/// The Harness clusters' issuer hosts (per account: `/ng/api/oidc/account/ACCOUNT`).
const HARNESS_HOSTS: &[&str] = &[
    "app.harness.io",
    "app3.harness.io",
    "accounts.harness.io",
    "accounts.eu.harness.io",
];

/// Harness with the enhanced subject (`PL_OIDC_ENHANCED_SUBJECT_FIELD`):
/// `account/ACCOUNT:org/ORG:project/PROJECT`, exact; audience `sts.amazonaws.com`.
pub(super) fn harness(
    host: &str,
    account: &str,
    organization: &str,
    project: &str,
) -> Result<Spec, GenerateError> {
    if !HARNESS_HOSTS.contains(&host) {
        return Err(GenerateError::new(
            "--host",
            format!(
                "`{host}` is not a Harness issuer host ({})",
                HARNESS_HOSTS.join(", ")
            ),
        ));
    }
    name("--provider-account", account, &['/'])?;
    name("--organization", organization, &['/'])?;
    name("--project", project, &['/'])?;
    Ok(Spec::oidc(
        format!("{host}/ng/api/oidc/account/{account}"),
        "sts.amazonaws.com",
        vec![cond(
            "sub",
            format!("account/{account}:org/{organization}:project/{project}"),
        )],
        format!("pipelines of project {organization}/{project}"),
    ))
}

/// Semaphore: issuer and audience `https://ORG.semaphoreci.com`, `sub`
/// `org:ORG:project:ID:repo:REPO:ref_type:branch:ref:refs/heads/BRANCH` (or `tag` and
/// `refs/tags/`), exact: debug jobs get tokens too and `job_type` is not a condition key, so
/// the ref is what keeps other jobs out.
pub(super) fn semaphore(
    organization: &str,
    project_id: &str,
    repository: &str,
    git_ref: &GitRef,
) -> Result<Spec, GenerateError> {
    name("--organization", organization, &['/', '.'])?;
    if !is_uuid(project_id) {
        return Err(GenerateError::new(
            "--project-id",
            format!("`{project_id}` is not a project UUID"),
        ));
    }
    name("--repository", repository, &['/'])?;
    let (tail, words) = match git_ref {
        GitRef::Branch(b) => {
            pattern("--branch", b)?;
            (
                format!("ref_type:branch:ref:refs/heads/{b}"),
                format!("jobs of {repository} on branch {b}"),
            )
        }
        GitRef::Tag(t) => {
            pattern("--tag", t)?;
            (
                format!("ref_type:tag:ref:refs/tags/{t}"),
                format!("jobs of {repository} on tag {t}"),
            )
        }
    };
    Ok(Spec::oidc(
        format!("{organization}.semaphoreci.com"),
        &format!("https://{organization}.semaphoreci.com"),
        vec![cond(
            "sub",
            format!("org:{organization}:project:{project_id}:repo:{repository}:{tail}"),
        )],
        words,
    ))
}

/// Codefresh: audience `https://g.codefresh.io`; `sub` `account:ACCOUNT:pipeline:PIPELINE` is
/// the cron trigger's subject, exact. Other triggers append fields (`:initiator:`, the git
/// fields), which this subject does not admit.
pub(super) fn codefresh(account: &str, pipeline: &str) -> Result<Spec, GenerateError> {
    name("--provider-account", account, &['/'])?;
    name("--pipeline", pipeline, &['/'])?;
    Ok(Spec::oidc(
        "oidc.codefresh.io".into(),
        "https://g.codefresh.io",
        vec![cond(
            "sub",
            format!("account:{account}:pipeline:{pipeline}"),
        )],
        format!("cron-triggered builds of pipeline {pipeline}"),
    ))
}

/// Jenkins' oidc-provider plugin (its README's AWS example): the instance is the issuer
/// (`HOST/oidc`), the audience is set per credential (`sts.amazonaws.com` by convention) and the
/// default `sub` is the job's URL, `https://HOST/job/A/job/B/`, pinned exactly: a `*` after a
/// folder would also admit its multibranch pull-request jobs.
pub(super) fn jenkins(host: &str, job: &str) -> Result<Spec, GenerateError> {
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'));
    if !host_ok {
        return Err(GenerateError::new(
            "--host",
            format!("`{host}` is not a Jenkins host name (`jenkins.example.com`)"),
        ));
    }
    let mut path = String::new();
    for segment in job.split('/') {
        name("--job", segment, &[])?;
        path.push_str(&format!("job/{segment}/"));
    }
    Ok(Spec::oidc(
        format!("{host}/oidc"),
        "sts.amazonaws.com",
        vec![cond("sub", format!("https://{host}/{path}"))],
        format!("builds of Jenkins job {job}"),
    ))
}
