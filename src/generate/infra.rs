//! Infrastructure-as-code runners: HCP Terraform, Spacelift, Scalr, env0.

use super::error::GenerateError;
use super::names::{cond, cond_any, name};
use super::scope::Spec;

/// HCP Terraform's AWS guide: audience `aws.workload.identity`, `sub`
/// `organization:ORG:project:PROJECT:workspace:WS:run_phase:PHASE`. Both phases are written as
/// the two exact subjects rather than `run_phase:*`: a `*` would also match names no
/// organization can have.
pub(super) fn hcp_terraform(
    organization: &str,
    project: &str,
    workspace: &str,
    run_phase: Option<&str>,
) -> Result<Spec, GenerateError> {
    name("--organization", organization, &[])?;
    name("--project", project, &[])?;
    name("--workspace", workspace, &[])?;
    let phases: &[&str] = match run_phase {
        Some("plan") => &["plan"],
        Some("apply") => &["apply"],
        Some(p) => {
            return Err(GenerateError::new(
                "--run-phase",
                format!("`{p}` is not a run phase (`plan` or `apply`)"),
            ))
        }
        None => &["plan", "apply"],
    };
    let words = match run_phase {
        Some(p) => format!("{p} runs of workspace {workspace} ({organization}/{project})"),
        None => format!("plan and apply runs of workspace {workspace} ({organization}/{project})"),
    };
    let head = format!("organization:{organization}:project:{project}:workspace:{workspace}");
    Ok(Spec::oidc(
        "app.terraform.io".into(),
        "aws.workload.identity",
        vec![cond_any(
            "sub",
            phases
                .iter()
                .map(|p| format!("{head}:run_phase:{p}"))
                .collect(),
        )],
        words,
    ))
}

/// Spacelift's run types (`providers::enumerated`).
const RUN_TYPES: &[&str] = &["PROPOSED", "TRACKED", "TASK", "TESTING", "DESTROY"];

/// Spacelift: issuer and audience `ACCOUNT.app.spacelift.io`, `sub`
/// `space:SPACE:stack:STACK:run_type:TYPE:scope:read|write`. Proposed runs (pull requests) only
/// ever get `scope:read`, so a write role pinned to `scope:write` keeps them out.
pub(super) fn spacelift(
    account: &str,
    space: &str,
    stack: &str,
    module: bool,
    run_type: Option<&str>,
    write: bool,
) -> Result<Spec, GenerateError> {
    name("--provider-account", account, &['/', '.'])?;
    name("--space", space, &[])?;
    name(if module { "--module" } else { "--stack" }, stack, &[])?;
    let kind = if module { "module" } else { "stack" };
    let scope = if write { "write" } else { "read" };
    // Every run type that can hold the token scope, as exact subjects: proposed runs never
    // get `write`.
    let types: Vec<&str> = match run_type {
        Some(t) if RUN_TYPES.contains(&t) => vec![t],
        Some(t) => {
            return Err(GenerateError::new(
                "--run-type",
                format!(
                    "`{t}` is not a Spacelift run type ({})",
                    RUN_TYPES.join(", ")
                ),
            ))
        }
        None if write => RUN_TYPES
            .iter()
            .copied()
            .filter(|t| *t != "PROPOSED")
            .collect(),
        None => RUN_TYPES.to_vec(),
    };
    let words = match run_type {
        Some(t) => format!("{t} runs of {kind} {stack} in space {space}, with {scope} scope"),
        None => format!("runs of {kind} {stack} in space {space} with {scope} scope"),
    };
    let host = format!("{account}.app.spacelift.io");
    Ok(Spec::oidc(
        host.clone(),
        &host,
        vec![cond_any(
            "sub",
            types
                .iter()
                .map(|t| format!("space:{space}:{kind}:{stack}:run_type:{t}:scope:{scope}"))
                .collect(),
        )],
        words,
    ))
}

/// Scalr (low-confidence facts: no official issuer document): issuer `scalr.io`, a
/// user-chosen audience, `sub` `account:ACCOUNT:environment:ENV:workspace:WS`, exact.
pub(super) fn scalr(
    account: &str,
    environment: &str,
    workspace: &str,
    audience: &str,
) -> Result<Spec, GenerateError> {
    name("--provider-account", account, &[])?;
    name("--environment", environment, &[])?;
    name("--workspace", workspace, &[])?;
    name("--audience", audience, &[])?;
    Ok(Spec::oidc(
        "scalr.io".into(),
        audience,
        vec![cond(
            "sub",
            format!("account:{account}:environment:{environment}:workspace:{workspace}"),
        )],
        format!("runs of workspace {workspace} in environment {environment}"),
    ))
}

/// env0's AWS guide: issuer `login.app.env0.com/` (with its slash), audience env0's Auth0
/// client id, and `sub` the organization's OIDC user id, which env0 gives out.
pub(super) fn env0(oidc_user: &str) -> Result<Spec, GenerateError> {
    name("--oidc-user", oidc_user, &[])?;
    Ok(Spec::oidc(
        "login.app.env0.com/".into(),
        "hoMiq9PdkRh9LUvVpH4wIErWg50VSG1b",
        vec![cond("sub", oidc_user.to_string())],
        format!("deployments of the env0 organization with OIDC user {oidc_user}"),
    ))
}
