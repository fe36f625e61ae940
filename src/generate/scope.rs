//! Each provider's scopes, in its own terms, and the conditions that pin them.
//!
//! Only claims AWS exposes as condition keys are used (`request::ClaimSet::exposes`, checked
//! again by `generate`); the subject grammars are the provider profiles' (`providers::builtin`).
//! The conditions of each provider live in `git_hosts`, `pipelines`, `infra` and `cloud`.

use super::error::GenerateError;
use super::Cond;
use super::{cloud, git_hosts, infra, pipelines};

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
        /// A GitHub Enterprise Cloud slug: the enterprise's own issuer
        /// `token.actions.githubusercontent.com/<slug>`.
        enterprise: Option<String>,
    },
    /// GitLab CI/CD: one project, optionally one (protected) branch or tag; gitlab.com, or a
    /// self-managed instance.
    GitLab {
        /// A self-managed instance's host (`gitlab.example.com`); `None` for gitlab.com.
        host: Option<String>,
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
    /// Buildkite: one pipeline of one organization, optionally one branch.
    Buildkite {
        organization: String,
        pipeline: String,
        branch: Option<String>,
    },
    /// Amazon EKS (IRSA): one service account of one namespace of one cluster.
    EksServiceAccount {
        region: String,
        cluster_id: String,
        namespace: String,
        service_account: String,
    },
    /// Spacelift: runs of one stack (or module) in one space, with write (or read) scope.
    Spacelift {
        /// The Spacelift account: `<account>.app.spacelift.io`.
        account: String,
        space: String,
        stack: String,
        /// `stack` names a module, not a stack.
        module: bool,
        /// One run type (`TRACKED`, ...), or every run type with the asked token scope.
        run_type: Option<String>,
        /// `scope:write` (default) or `scope:read`.
        write: bool,
    },
    /// Azure DevOps: one service connection, or one pipeline, of one project.
    AzureDevOps {
        /// The organization GUID in the issuer URL.
        org_id: String,
        organization: String,
        project: String,
        target: AzureTarget,
    },
    /// Harness: one project of one organization of one account (enhanced subject).
    Harness {
        /// The issuer host: `app.harness.io`, `app3.harness.io`, `accounts.harness.io`, ...
        host: String,
        account: String,
        organization: String,
        project: String,
    },
    /// Semaphore: one branch or tag of one project of one organization.
    Semaphore {
        organization: String,
        project_id: String,
        repository: String,
        git_ref: GitRef,
    },
    /// Codefresh: the cron-triggered builds of one pipeline of one account.
    Codefresh { account: String, pipeline: String },
    /// Jenkins (oidc-provider plugin): one job of one instance, the job given by its path of
    /// folder and job names (`payments/deploy`).
    Jenkins { host: String, job: String },
    /// Scalr: one workspace of one environment of one account (low-confidence facts).
    Scalr {
        account: String,
        environment: String,
        workspace: String,
        /// Scalr audiences are chosen by the user.
        audience: String,
    },
    /// env0: the organization's OIDC user (env0's `sub` is one opaque id per organization).
    Env0 { oidc_user: String },
    /// Google: one service account, by its numeric unique id.
    Google { service_account_id: String },
    /// Amazon Cognito identity pools: the signed-in identities of one pool.
    Cognito { identity_pool: String },
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

/// A branch or a tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitRef {
    Branch(String),
    Tag(String),
}

/// What an Azure DevOps token is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AzureTarget {
    /// `sc://org/project/connection`: the AWS Toolkit's service-connection token.
    ServiceConnection(String),
    /// `p://org/project/pipeline`: the pipeline's own token.
    Pipeline(String),
}

/// What a scope becomes.
pub(super) struct Spec {
    pub issuer: String,
    pub audience: String,
    pub conditions: Vec<Cond>,
    pub description: String,
    /// The issuer is one of AWS's own identity providers (`accounts.google.com`,
    /// `cognito-identity.amazonaws.com`): the principal is its name, not an ARN.
    pub builtin: bool,
}

impl Spec {
    pub fn oidc(
        issuer: String,
        audience: &str,
        conditions: Vec<Cond>,
        description: String,
    ) -> Self {
        Spec {
            issuer,
            audience: audience.to_string(),
            conditions,
            description,
            builtin: false,
        }
    }
}

impl Scope {
    /// The provider profile id (`providers::Profile::id`).
    pub fn provider(&self) -> &'static str {
        match self {
            Scope::Bitbucket { .. } => "bitbucket",
            Scope::GitHub { .. } => "github",
            Scope::GitLab { .. } => "gitlab",
            Scope::HcpTerraform { .. } => "hcp-terraform",
            Scope::CircleCi { .. } => "circleci",
            Scope::Buildkite { .. } => "buildkite",
            Scope::EksServiceAccount { .. } => "eks-irsa",
            Scope::Spacelift { .. } => "spacelift",
            Scope::AzureDevOps { .. } => "azure-devops",
            Scope::Harness { .. } => "harness",
            Scope::Semaphore { .. } => "semaphore",
            Scope::Codefresh { .. } => "codefresh",
            Scope::Jenkins { .. } => "jenkins",
            Scope::Scalr { .. } => "scalr",
            Scope::Env0 { .. } => "env0",
            Scope::Google { .. } => "google",
            Scope::Cognito { .. } => "cognito-identity",
        }
    }

    pub(super) fn spec(&self) -> Result<Spec, GenerateError> {
        match self {
            Scope::Bitbucket {
                workspace,
                workspace_uuid,
                repository,
                environment,
            } => git_hosts::bitbucket(
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
                enterprise,
            } => git_hosts::github(owner, repo, ids.as_ref(), context, enterprise.as_deref()),
            Scope::GitLab {
                host,
                project,
                project_id,
                git_ref,
            } => git_hosts::gitlab(host.as_deref(), project, project_id.as_deref(), git_ref),
            Scope::HcpTerraform {
                organization,
                project,
                workspace,
                run_phase,
            } => infra::hcp_terraform(organization, project, workspace, run_phase.as_deref()),
            Scope::CircleCi { org_id, project_id } => pipelines::circleci(org_id, project_id),
            Scope::Buildkite {
                organization,
                pipeline,
                branch,
            } => pipelines::buildkite(organization, pipeline, branch.as_deref()),
            Scope::EksServiceAccount {
                region,
                cluster_id,
                namespace,
                service_account,
            } => cloud::eks_service_account(region, cluster_id, namespace, service_account),
            Scope::Spacelift {
                account,
                space,
                stack,
                module,
                run_type,
                write,
            } => infra::spacelift(account, space, stack, *module, run_type.as_deref(), *write),
            Scope::AzureDevOps {
                org_id,
                organization,
                project,
                target,
            } => pipelines::azure_devops(org_id, organization, project, target),
            Scope::Harness {
                host,
                account,
                organization,
                project,
            } => pipelines::harness(host, account, organization, project),
            Scope::Semaphore {
                organization,
                project_id,
                repository,
                git_ref,
            } => pipelines::semaphore(organization, project_id, repository, git_ref),
            Scope::Codefresh { account, pipeline } => pipelines::codefresh(account, pipeline),
            Scope::Scalr {
                account,
                environment,
                workspace,
                audience,
            } => infra::scalr(account, environment, workspace, audience),
            Scope::Jenkins { host, job } => pipelines::jenkins(host, job),
            Scope::Env0 { oidc_user } => infra::env0(oidc_user),
            Scope::Google { service_account_id } => cloud::google(service_account_id),
            Scope::Cognito { identity_pool } => cloud::cognito(identity_pool),
        }
    }
}
