//! `--from-token` for the CI pipelines and infrastructure services whose tokens name their
//! unit of work in claims AWS exposes: HCP Terraform, CircleCI, Buildkite and Semaphore.
//! Each takes only claims the provider really issues (`../../rules` and `providers::builtin`
//! describe them) and refuses a scope the provider has no such unit for, naming the nearest.

use serde_json::{Map, Value};

use super::error::GenerateError;
use super::from_token::{claim, unsupported, TokenScope};
use super::scope::{GitRef, Scope};

/// HCP Terraform: the workspace is the unit of work (its `sub` names organization, project and
/// workspace); `repository` pins the workspace in both run phases.
pub(super) fn hcp_terraform(
    claims: &Map<String, Value>,
    scope: TokenScope,
) -> Result<Scope, GenerateError> {
    match scope {
        TokenScope::Repository => Ok(Scope::HcpTerraform {
            organization: claim(claims, "terraform_organization_name")?.to_string(),
            project: claim(claims, "terraform_project_name")?.to_string(),
            workspace: claim(claims, "terraform_workspace_name")?.to_string(),
            run_phase: None,
        }),
        TokenScope::Environment | TokenScope::Branch => Err(unsupported(
            "HCP Terraform",
            scope,
            "its `sub` names only the organization, project, workspace and run phase; ask for \
             `repository`, which pins the token's workspace",
        )),
    }
}

/// CircleCI: the organization is in the issuer and the project in
/// `oidc.circleci.com/project-id`; `repository` pins the project.
pub(super) fn circleci(
    claims: &Map<String, Value>,
    org_id: &str,
    scope: TokenScope,
) -> Result<Scope, GenerateError> {
    match scope {
        TokenScope::Repository => Ok(Scope::CircleCi {
            org_id: org_id.to_string(),
            project_id: claim(claims, "oidc.circleci.com/project-id")?.to_string(),
        }),
        TokenScope::Environment => Err(unsupported(
            "CircleCI",
            scope,
            "CircleCI has no deployment environments in its token; ask for `repository`, which \
             pins the token's project",
        )),
        TokenScope::Branch => Err(unsupported(
            "CircleCI",
            scope,
            "the branch is only in `sub`, after the user id, and the `*` a policy needs for the \
             user id also matches `/`, so no pattern pins the branch exactly; ask for \
             `repository`, which pins the token's project",
        )),
    }
}

/// Buildkite: one pipeline of one organization, and for `branch` the build's branch.
pub(super) fn buildkite(
    claims: &Map<String, Value>,
    scope: TokenScope,
) -> Result<Scope, GenerateError> {
    let branch = match scope {
        TokenScope::Repository => None,
        TokenScope::Branch => Some(
            claim(claims, "build_branch")
                .map_err(|_| unsupported("Buildkite", scope, "the token's build has no branch"))?
                .to_string(),
        ),
        TokenScope::Environment => {
            return Err(unsupported(
                "Buildkite",
                scope,
                "Buildkite has no deployment environments in its token; ask for `repository` \
                 (the pipeline) or `branch`",
            ))
        }
    };
    Ok(Scope::Buildkite {
        organization: claim(claims, "organization_slug")?.to_string(),
        pipeline: claim(claims, "pipeline_slug")?.to_string(),
        branch,
    })
}

/// Semaphore: one branch of one project. A whole-project subject also admits pull-request and
/// debug jobs (`job_type` is not a condition key), so `repository` is refused.
pub(super) fn semaphore(
    claims: &Map<String, Value>,
    organization: &str,
    scope: TokenScope,
) -> Result<Scope, GenerateError> {
    let git_ref =
        match scope {
            TokenScope::Branch => {
                if claim(claims, "ref_type")? != "branch" {
                    return Err(unsupported(
                        "Semaphore",
                        scope,
                        "the token is not from a branch job",
                    ));
                }
                let r = claim(claims, "ref")?;
                let branch = r.strip_prefix("refs/heads/").ok_or_else(|| {
                    unsupported(
                        "Semaphore",
                        scope,
                        &format!("the token's ref `{r}` is not a branch"),
                    )
                })?;
                GitRef::Branch(branch.to_string())
            }
            TokenScope::Repository => return Err(unsupported(
                "Semaphore",
                scope,
                "a whole-project subject also admits pull-request and debug jobs (`job_type` is \
                 not a condition key); ask for `branch`",
            )),
            TokenScope::Environment => {
                return Err(unsupported(
                    "Semaphore",
                    scope,
                    "Semaphore has no deployment environments in its token; ask for `branch`",
                ))
            }
        };
    Ok(Scope::Semaphore {
        organization: organization.to_string(),
        project_id: claim(claims, "prj_id")?.to_string(),
        repository: claim(claims, "repo")?.to_string(),
        git_ref,
    })
}
