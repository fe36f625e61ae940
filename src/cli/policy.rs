//! `rolecall policy`: print the tightest trust policy for a scope. Exit 0, or 2 on error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use rolecall::generate::{
    self, Format, GenerateError, GitHubContext, GitLabRef, Intent, Scope, TokenScope,
};

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
    /// Bitbucket: the workspace slug. HCP Terraform: the workspace name.
    #[arg(long)]
    pub workspace: Option<String>,
    /// Bitbucket: the workspace UUID (its default audience names it).
    #[arg(long)]
    pub workspace_uuid: Option<String>,
    /// Bitbucket: `{repository-uuid}`. GitHub: `owner/repo`.
    #[arg(long)]
    pub repository: Option<String>,
    /// Bitbucket: `{environment-uuid}`. GitHub: the environment name.
    #[arg(long)]
    pub environment: Option<String>,
    /// GitHub, GitLab: the branch (`*` and `?` make it a pattern).
    #[arg(long, conflicts_with_all = ["environment", "tag", "protected_branch"])]
    pub branch: Option<String>,
    /// GitHub, GitLab: the tag (`v*` is a pattern).
    #[arg(long, conflicts_with_all = ["environment", "protected_branch"])]
    pub tag: Option<String>,
    /// GitHub: use the immutable `owner@id/repo@id` subject (needs `--owner-id`, `--repo-id`).
    #[arg(long, requires_all = ["owner_id", "repo_id"])]
    pub immutable: bool,
    #[arg(long, requires = "immutable")]
    pub owner_id: Option<String>,
    #[arg(long, requires = "immutable")]
    pub repo_id: Option<String>,
    /// GitLab: `group[/subgroup]/project`. HCP Terraform: the project name.
    #[arg(long)]
    pub project: Option<String>,
    /// GitLab: the numeric project id. CircleCI: the project UUID.
    #[arg(long)]
    pub project_id: Option<String>,
    /// GitLab: a protected branch (adds `ref_protected = true`).
    #[arg(long)]
    pub protected_branch: Option<String>,
    /// HCP Terraform: the organization name.
    #[arg(long)]
    pub organization: Option<String>,
    /// HCP Terraform: `plan` or `apply` (default: both).
    #[arg(long)]
    pub run_phase: Option<String>,
    /// CircleCI: the organization UUID.
    #[arg(long)]
    pub org_id: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Provider {
    Bitbucket,
    Github,
    Gitlab,
    HcpTerraform,
    Circleci,
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

fn need(value: &Option<String>, flag: &'static str) -> Result<String, Diag> {
    value
        .clone()
        .ok_or_else(|| Diag::error("rolecall::policy", format!("this provider needs {flag}")))
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
    let scope = match a.provider {
        Some(Provider::Bitbucket) => Scope::Bitbucket {
            workspace: need(&a.workspace, "--workspace")?,
            workspace_uuid: need(&a.workspace_uuid, "--workspace-uuid")?,
            repository: need(&a.repository, "--repository")?,
            environment: a.environment.clone(),
        },
        Some(Provider::Github) => {
            let repository = need(&a.repository, "--repository")?;
            let (owner, repo) = repository.split_once('/').ok_or_else(|| {
                Diag::error(
                    "rolecall::policy",
                    format!("--repository: `{repository}` is not `owner/repo`"),
                )
            })?;
            let context = match (&a.environment, &a.branch, &a.tag) {
                (Some(e), None, None) => GitHubContext::Environment(e.clone()),
                (None, Some(b), None) => GitHubContext::Branch(b.clone()),
                (None, None, Some(t)) => GitHubContext::Tag(t.clone()),
                _ => {
                    return Err(Diag::error(
                        "rolecall::policy",
                        "github needs one of --environment, --branch or --tag",
                    )
                    .help("a whole-repository subject also admits pull-request runs"))
                }
            };
            Scope::GitHub {
                owner: owner.to_string(),
                repo: repo.to_string(),
                ids: a.owner_id.clone().zip(a.repo_id.clone()),
                context,
            }
        }
        Some(Provider::Gitlab) => Scope::GitLab {
            project: need(&a.project, "--project")?,
            project_id: a.project_id.clone(),
            git_ref: match (&a.protected_branch, &a.branch, &a.tag) {
                (Some(b), _, _) => GitLabRef::Branch {
                    name: b.clone(),
                    protected: true,
                },
                (None, Some(b), _) => GitLabRef::Branch {
                    name: b.clone(),
                    protected: false,
                },
                (None, None, Some(t)) => GitLabRef::Tag(t.clone()),
                (None, None, None) => GitLabRef::Any,
            },
        },
        Some(Provider::HcpTerraform) => Scope::HcpTerraform {
            organization: need(&a.organization, "--organization")?,
            project: need(&a.project, "--project")?,
            workspace: need(&a.workspace, "--workspace")?,
            run_phase: a.run_phase.clone(),
        },
        Some(Provider::Circleci) => Scope::CircleCi {
            org_id: need(&a.org_id, "--org-id")?,
            project_id: need(&a.project_id, "--project-id")?,
        },
        None => {
            return Err(Diag::error(
                "rolecall::policy",
                "name a provider or --from-token",
            ))
        }
    };
    Ok(Intent {
        scope,
        account: a.account.clone(),
        tag_session: a.tag_session,
    })
}
