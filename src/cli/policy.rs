//! `rolecall policy`: print the tightest trust policy for a scope. Exit 0, or 2 on error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use rolecall::generate::{self, Flags, Format, GenerateError, Intent, TokenScope};

use super::diag::Diag;
use super::{emit, fail, load};

#[derive(Args)]
pub struct PolicyArgs {
    /// The provider (not with `--from-token`, which reads it from the token).
    #[arg(
        value_enum,
        required_unless_present = "from_token",
        conflicts_with = "from_token"
    )]
    pub provider: Option<Provider>,
    /// The 12-digit AWS account that holds the OIDC provider.
    #[arg(long)]
    pub account: String,
    /// Also allow `sts:TagSession`.
    #[arg(long)]
    pub tag_session: bool,
    #[arg(long, value_enum, default_value_t = FormatArg::Json)]
    pub format: FormatArg,
    /// Take the provider and the scope from this token's claims (the token is never printed).
    #[arg(long, requires = "scope")]
    pub from_token: Option<PathBuf>,
    /// With `--from-token`: which of the token's scopes the role is for.
    #[arg(long, value_enum, requires = "from_token")]
    pub scope: Option<ScopeArg>,
    #[command(flatten)]
    pub scope_flags: Box<ScopeFlags>,
}

/// Each provider's scope options (boxed: they are many, and most are unset).
#[derive(Args)]
pub struct ScopeFlags {
    /// Bitbucket: the workspace slug. HCP Terraform, Scalr: the workspace name.
    #[arg(long)]
    pub workspace: Option<String>,
    /// Bitbucket: the workspace UUID (its default audience names it).
    #[arg(long)]
    pub workspace_uuid: Option<String>,
    /// Bitbucket: `{repository-uuid}`. GitHub: `owner/repo`. Semaphore: the repository name.
    #[arg(long)]
    pub repository: Option<String>,
    /// Bitbucket: `{environment-uuid}`. GitHub: the environment name. Scalr: the environment.
    #[arg(long)]
    pub environment: Option<String>,
    /// GitHub, GitLab, Buildkite, Semaphore: the branch.
    #[arg(long)]
    pub branch: Option<String>,
    /// GitHub, GitLab, Semaphore: the tag (`v*` is a pattern).
    #[arg(long)]
    pub tag: Option<String>,
    /// GitHub: use the immutable `owner@id/repo@id` subject (needs `--owner-id`, `--repo-id`).
    #[arg(long)]
    pub immutable: bool,
    #[arg(long)]
    pub owner_id: Option<String>,
    /// GitHub Enterprise Cloud: the enterprise slug of its own issuer.
    #[arg(long)]
    pub enterprise: Option<String>,
    #[arg(long)]
    pub repo_id: Option<String>,
    /// GitLab: `group[/subgroup]/project`. HCP Terraform, Azure DevOps, Harness: the project.
    #[arg(long)]
    pub project: Option<String>,
    /// GitLab: the numeric project id. CircleCI, Semaphore: the project UUID.
    #[arg(long)]
    pub project_id: Option<String>,
    /// GitLab: a protected branch (adds `ref_protected = true`).
    #[arg(long)]
    pub protected_branch: Option<String>,
    /// HCP Terraform, Buildkite, Azure DevOps, Harness, Semaphore: the organization.
    #[arg(long)]
    pub organization: Option<String>,
    /// HCP Terraform: `plan` or `apply` (default: both).
    #[arg(long)]
    pub run_phase: Option<String>,
    /// CircleCI: the organization UUID. Azure DevOps: the organization GUID.
    #[arg(long)]
    pub org_id: Option<String>,
    /// Buildkite: the pipeline slug. Codefresh: the pipeline id. Azure DevOps: the pipeline.
    #[arg(long)]
    pub pipeline: Option<String>,
    /// EKS: the cluster's region.
    #[arg(long)]
    pub region: Option<String>,
    /// EKS: the id at the end of the cluster's OIDC issuer URL.
    #[arg(long)]
    pub cluster_id: Option<String>,
    /// EKS: the Kubernetes namespace.
    #[arg(long)]
    pub namespace: Option<String>,
    /// EKS: the Kubernetes service account.
    #[arg(long)]
    pub service_account: Option<String>,
    /// Spacelift, Harness, Codefresh, Scalr: the account at the provider (not the AWS one).
    #[arg(long)]
    pub provider_account: Option<String>,
    /// Spacelift: the space.
    #[arg(long)]
    pub space: Option<String>,
    /// Spacelift: the stack.
    #[arg(long)]
    pub stack: Option<String>,
    /// Spacelift: the module (instead of a stack).
    #[arg(long)]
    pub module: Option<String>,
    /// Spacelift: one run type (`TRACKED`, `TASK`, ...; default: every one).
    #[arg(long)]
    pub run_type: Option<String>,
    /// Spacelift: the `read` token scope instead of `write`.
    #[arg(long)]
    pub read_only: bool,
    /// Azure DevOps: the service connection (the AWS Toolkit's token).
    #[arg(long)]
    pub service_connection: Option<String>,
    /// Harness: the issuer host (default `app.harness.io`). GitLab: a self-managed host.
    /// Jenkins: the instance's host.
    #[arg(long)]
    pub host: Option<String>,
    /// Jenkins: the job's path of folder and job names (`payments/deploy`).
    #[arg(long)]
    pub job: Option<String>,
    /// Scalr: the audience the workload identity provider was set up with.
    #[arg(long)]
    pub audience: Option<String>,
    /// env0: the organization's OIDC user id (from env0).
    #[arg(long)]
    pub oidc_user: Option<String>,
    /// Google: the service account's numeric unique id.
    #[arg(long)]
    pub service_account_id: Option<String>,
    /// Cognito: the identity pool id (`us-east-1:<uuid>`).
    #[arg(long)]
    pub identity_pool: Option<String>,
}

/// The providers `rolecall policy` writes for; each name is the profile id.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Provider {
    AzureDevops,
    Bitbucket,
    Buildkite,
    Circleci,
    Codefresh,
    CognitoIdentity,
    EksIrsa,
    Env0,
    Github,
    Gitlab,
    Google,
    Harness,
    HcpTerraform,
    Jenkins,
    Scalr,
    Semaphore,
    Spacelift,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Json,
    Cloudformation,
    Terraform,
    Cdk,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScopeArg {
    Repository,
    Environment,
    Branch,
}

pub fn run(args: &PolicyArgs) -> ExitCode {
    let intent = match intent(args) {
        Ok(i) => i,
        Err(d) => return fail(&[d]),
    };
    let generated = match generate::generate(&intent) {
        Ok(g) => g,
        Err(e) => return fail(&[invalid(&e)]),
    };
    let format = match args.format {
        FormatArg::Json => Format::Json,
        FormatArg::Cloudformation => Format::CloudFormation,
        FormatArg::Terraform => Format::Terraform,
        FormatArg::Cdk => Format::Cdk,
    };
    emit(&generated.render(format), "");
    ExitCode::SUCCESS
}

fn invalid(e: &GenerateError) -> Diag {
    Diag::error("rolecall::policy", e.to_string())
}

fn flags(a: &ScopeFlags) -> Flags {
    let mut f = Flags::new();
    for (flag, value) in [
        ("--workspace", &a.workspace),
        ("--workspace-uuid", &a.workspace_uuid),
        ("--repository", &a.repository),
        ("--environment", &a.environment),
        ("--branch", &a.branch),
        ("--tag", &a.tag),
        ("--owner-id", &a.owner_id),
        ("--enterprise", &a.enterprise),
        ("--repo-id", &a.repo_id),
        ("--project", &a.project),
        ("--project-id", &a.project_id),
        ("--protected-branch", &a.protected_branch),
        ("--organization", &a.organization),
        ("--run-phase", &a.run_phase),
        ("--org-id", &a.org_id),
        ("--pipeline", &a.pipeline),
        ("--region", &a.region),
        ("--cluster-id", &a.cluster_id),
        ("--namespace", &a.namespace),
        ("--service-account", &a.service_account),
        ("--provider-account", &a.provider_account),
        ("--space", &a.space),
        ("--stack", &a.stack),
        ("--module", &a.module),
        ("--run-type", &a.run_type),
        ("--service-connection", &a.service_connection),
        ("--host", &a.host),
        ("--job", &a.job),
        ("--audience", &a.audience),
        ("--oidc-user", &a.oidc_user),
        ("--service-account-id", &a.service_account_id),
        ("--identity-pool", &a.identity_pool),
    ] {
        f.set(flag, value.as_deref());
    }
    f.switch("--immutable", a.immutable)
        .switch("--read-only", a.read_only);
    f
}

fn intent(a: &PolicyArgs) -> Result<Intent, Diag> {
    if let (Some(path), Some(scope)) = (&a.from_token, a.scope) {
        let token = load::token(path)?;
        let scope = match scope {
            ScopeArg::Repository => TokenScope::Repository,
            ScopeArg::Environment => TokenScope::Environment,
            ScopeArg::Branch => TokenScope::Branch,
        };
        return generate::intent_from_token(&token.claims, scope, &a.account, a.tag_session)
            .map_err(|e| invalid(&e));
    }
    let Some(provider) = a.provider.and_then(|p| p.to_possible_value()) else {
        return Err(Diag::error(
            "rolecall::policy",
            "name a provider or --from-token",
        ));
    };
    let scope = generate::scope_from_flags(provider.get_name(), flags(&a.scope_flags))
        .map_err(|e| invalid(&e))?;
    Ok(Intent {
        scope,
        account: a.account.clone(),
        tag_session: a.tag_session,
    })
}
