//! A scope from command-line style options (`--repository acme/app`, `--branch main`): each
//! provider takes the options its scopes need, and an option it cannot express is refused with
//! the reason (the claim is not a condition key, or pinning it would be unsafe).

use std::collections::BTreeMap;

use super::error::GenerateError;
use super::scope::{AzureTarget, GitHubContext, GitLabRef, GitRef, Scope};

/// The providers `rolecall policy` writes for, by profile id.
pub const PROVIDERS: &[&str] = &[
    "azure-devops",
    "bitbucket",
    "buildkite",
    "circleci",
    "codefresh",
    "cognito-identity",
    "eks-irsa",
    "env0",
    "github",
    "gitlab",
    "google",
    "harness",
    "hcp-terraform",
    "jenkins",
    "scalr",
    "semaphore",
    "spacelift",
];

/// Options by flag name (`--branch`); a switch has the value `true`.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    given: BTreeMap<&'static str, String>,
}

impl Flags {
    pub fn new() -> Self {
        Flags::default()
    }

    /// Record an option if it was given.
    pub fn set(&mut self, flag: &'static str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value {
            self.given.insert(flag, v.to_string());
        }
        self
    }

    /// Record a switch if it is on.
    pub fn switch(&mut self, flag: &'static str, on: bool) -> &mut Self {
        if on {
            self.given.insert(flag, "true".into());
        }
        self
    }

    fn take(&mut self, flag: &'static str) -> Option<String> {
        self.given.remove(flag)
    }

    fn need(&mut self, provider: &str, flag: &'static str) -> Result<String, GenerateError> {
        self.take(flag)
            .ok_or_else(|| GenerateError::new(flag, format!("{provider} needs {flag}")))
    }

    fn on(&mut self, flag: &'static str) -> bool {
        self.take(flag).is_some()
    }
}

/// The scope `flags` ask of `provider` (a profile id from [`PROVIDERS`]).
pub fn scope_from_flags(provider: &str, mut flags: Flags) -> Result<Scope, GenerateError> {
    let f = &mut flags;
    let scope = match provider {
        "bitbucket" => Scope::Bitbucket {
            workspace: f.need(provider, "--workspace")?,
            workspace_uuid: f.need(provider, "--workspace-uuid")?,
            repository: f.need(provider, "--repository")?,
            environment: f.take("--environment"),
        },
        "github" => github(f)?,
        "gitlab" => gitlab(f)?,
        "hcp-terraform" => Scope::HcpTerraform {
            organization: f.need(provider, "--organization")?,
            project: f.need(provider, "--project")?,
            workspace: f.need(provider, "--workspace")?,
            run_phase: f.take("--run-phase"),
        },
        "circleci" => Scope::CircleCi {
            org_id: f.need(provider, "--org-id")?,
            project_id: f.need(provider, "--project-id")?,
        },
        "buildkite" => Scope::Buildkite {
            organization: f.need(provider, "--organization")?,
            pipeline: f.need(provider, "--pipeline")?,
            branch: f.take("--branch"),
        },
        "eks-irsa" => Scope::EksServiceAccount {
            region: f.need(provider, "--region")?,
            cluster_id: f.need(provider, "--cluster-id")?,
            namespace: f.need(provider, "--namespace")?,
            service_account: f.need(provider, "--service-account")?,
        },
        "spacelift" => spacelift(f)?,
        "azure-devops" => azure_devops(f)?,
        "harness" => Scope::Harness {
            host: f.take("--host").unwrap_or_else(|| "app.harness.io".into()),
            account: f.need(provider, "--provider-account")?,
            organization: f.need(provider, "--organization")?,
            project: f.need(provider, "--project")?,
        },
        "semaphore" => semaphore(f)?,
        "codefresh" => Scope::Codefresh {
            account: f.need(provider, "--provider-account")?,
            pipeline: f.need(provider, "--pipeline")?,
        },
        "scalr" => Scope::Scalr {
            account: f.need(provider, "--provider-account")?,
            environment: f.need(provider, "--environment")?,
            workspace: f.need(provider, "--workspace")?,
            audience: f.need(provider, "--audience")?,
        },
        "jenkins" => Scope::Jenkins {
            host: f.need(provider, "--host")?,
            job: f.need(provider, "--job")?,
        },
        "env0" => Scope::Env0 {
            oidc_user: f.need(provider, "--oidc-user")?,
        },
        "google" => Scope::Google {
            service_account_id: f.need(provider, "--service-account-id")?,
        },
        "cognito-identity" => Scope::Cognito {
            identity_pool: f.need(provider, "--identity-pool")?,
        },
        other => {
            return Err(GenerateError::new(
                "--provider",
                format!(
                    "`{other}` is not a provider `rolecall policy` writes for ({})",
                    PROVIDERS.join(", ")
                ),
            ))
        }
    };
    match flags.given.keys().next() {
        Some(flag) => Err(refusal(provider, flag)),
        None => Ok(scope),
    }
}

fn github(f: &mut Flags) -> Result<Scope, GenerateError> {
    let repository = f.need("github", "--repository")?;
    let (owner, repo) = repository.split_once('/').ok_or_else(|| {
        GenerateError::new(
            "--repository",
            format!("`{repository}` is not `owner/repo`"),
        )
    })?;
    let context = match (f.take("--environment"), f.take("--branch"), f.take("--tag")) {
        (Some(e), None, None) => GitHubContext::Environment(e),
        (None, Some(b), None) => GitHubContext::Branch(b),
        (None, None, Some(t)) => GitHubContext::Tag(t),
        _ => {
            return Err(GenerateError::new(
                "--branch",
                "github needs exactly one of --environment, --branch or --tag: a \
                 whole-repository subject also admits pull-request runs",
            ))
        }
    };
    let ids = if f.on("--immutable") {
        Some((
            f.need("github --immutable", "--owner-id")?,
            f.need("github --immutable", "--repo-id")?,
        ))
    } else {
        None
    };
    Ok(Scope::GitHub {
        owner: owner.to_string(),
        repo: repo.to_string(),
        ids,
        context,
        enterprise: f.take("--enterprise"),
    })
}

fn gitlab(f: &mut Flags) -> Result<Scope, GenerateError> {
    let project = f.need("gitlab", "--project")?;
    let project_id = f.take("--project-id");
    let git_ref = match (
        f.take("--protected-branch"),
        f.take("--branch"),
        f.take("--tag"),
    ) {
        (Some(b), None, None) => GitLabRef::Branch {
            name: b,
            protected: true,
        },
        (None, Some(b), None) => GitLabRef::Branch {
            name: b,
            protected: false,
        },
        (None, None, Some(t)) => GitLabRef::Tag(t),
        (None, None, None) => GitLabRef::Any,
        _ => {
            return Err(GenerateError::new(
                "--branch",
                "gitlab takes at most one of --protected-branch, --branch or --tag",
            ))
        }
    };
    Ok(Scope::GitLab {
        host: f.take("--host"),
        project,
        project_id,
        git_ref,
    })
}

fn spacelift(f: &mut Flags) -> Result<Scope, GenerateError> {
    let account = f.need("spacelift", "--provider-account")?;
    let space = f.need("spacelift", "--space")?;
    let (stack, module) = match (f.take("--stack"), f.take("--module")) {
        (Some(s), None) => (s, false),
        (None, Some(m)) => (m, true),
        _ => {
            return Err(GenerateError::new(
                "--stack",
                "spacelift needs one of --stack or --module",
            ))
        }
    };
    Ok(Scope::Spacelift {
        account,
        space,
        stack,
        module,
        run_type: f.take("--run-type"),
        write: !f.on("--read-only"),
    })
}

fn azure_devops(f: &mut Flags) -> Result<Scope, GenerateError> {
    let org_id = f.need("azure-devops", "--org-id")?;
    let organization = f.need("azure-devops", "--organization")?;
    let project = f.need("azure-devops", "--project")?;
    let target = match (f.take("--service-connection"), f.take("--pipeline")) {
        (Some(c), None) => AzureTarget::ServiceConnection(c),
        (None, Some(p)) => AzureTarget::Pipeline(p),
        _ => {
            return Err(GenerateError::new(
                "--service-connection",
                "azure-devops needs one of --service-connection or --pipeline",
            ))
        }
    };
    Ok(Scope::AzureDevOps {
        org_id,
        organization,
        project,
        target,
    })
}

fn semaphore(f: &mut Flags) -> Result<Scope, GenerateError> {
    let organization = f.need("semaphore", "--organization")?;
    let project_id = f.need("semaphore", "--project-id")?;
    let repository = f.need("semaphore", "--repository")?;
    let git_ref = match (f.take("--branch"), f.take("--tag")) {
        (Some(b), None) => GitRef::Branch(b),
        (None, Some(t)) => GitRef::Tag(t),
        _ => {
            return Err(GenerateError::new(
                "--branch",
                "semaphore needs one of --branch or --tag: a whole-project subject also \
                 admits pull-request and debug jobs (`job_type` is not a condition key)",
            ))
        }
    };
    Ok(Scope::Semaphore {
        organization,
        project_id,
        repository,
        git_ref,
    })
}

/// Why `flag` cannot be part of a `provider` scope.
fn refusal(provider: &str, flag: &'static str) -> GenerateError {
    let why = match (provider, flag) {
        ("bitbucket", "--branch" | "--tag") => {
            "Bitbucket's `branchName` is not a condition key: AWS exposes only `aud` and `sub`, \
             and `sub` names the repository, the environment and the step, never the ref; the \
             tightest scopes are a repository and an environment"
        }
        ("gitlab", "--environment") => {
            "AWS does not expose GitLab's `environment` claim as a condition key, and `sub` \
             does not carry it"
        }
        ("circleci", "--branch" | "--tag") => {
            "CircleCI's ref is only in the V2 subject, after `/user/<id>/vcs-origin/`: the `*` \
             a policy needs for the user crosses `/`, and branch names may contain `/`, so a \
             branch `x/vcs-ref/refs/heads/main` of any project would match; \
             `oidc.circleci.com/vcs-ref` is not a condition key"
        }
        ("hcp-terraform" | "spacelift" | "scalr", "--branch" | "--tag") => {
            "the subject names the workspace or stack and the run, not a git ref, and no other \
             claim is a condition key"
        }
        ("azure-devops", "--branch" | "--tag") => {
            "Azure DevOps' `rpo_ref` claim is not a condition key, and `sub` names only the \
             service connection or pipeline"
        }
        ("harness", "--pipeline" | "--environment") => {
            "Harness's `pipeline_id` and `environment_id` claims are not condition keys; the \
             subject names the account, organization and project only"
        }
        ("env0", "--project" | "--environment" | "--workspace") => {
            "env0's `projectId`, `environmentId` and `workspaceName` claims are not condition \
             keys; `sub` is one OIDC user for the whole organization"
        }
        ("codefresh", "--branch" | "--repository-url") => {
            "Codefresh's git-push subject has the pusher's user name between the repository and \
             the ref, so pinning the ref needs a `*` over the pusher, and AWS exposes no other \
             Codefresh claim to pin the pipeline exactly; the cron subject \
             `account:A:pipeline:P` is exact"
        }
        ("jenkins", "--branch" | "--tag") => {
            "a Jenkins token names its job (`sub`, the job URL) and AWS exposes no other claim; \
             a multibranch job's branch is a job of its own: name it in --job (`app/main`)"
        }
        ("eks-irsa", "--branch" | "--tag" | "--environment") => {
            "an EKS token names a service account of a namespace (`sub`); the pod's other \
             claims are not condition keys"
        }
        _ => "",
    };
    if why.is_empty() {
        GenerateError::new(flag, format!("{flag} is not part of any {provider} scope"))
    } else {
        GenerateError::new(
            flag,
            format!("{provider} roles cannot be scoped by {flag}: {why}"),
        )
    }
}
