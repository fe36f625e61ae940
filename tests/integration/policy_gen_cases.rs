//! Every provider scope `rolecall policy` writes, with what `who` must pin and the outsiders
//! the policy must refuse. `policy_gen` runs the proof over them.

use rolecall::generate::{AzureTarget, GitHubContext, GitLabRef, GitRef, Scope};

pub const REPO: &str = "{1de489be-ce6a-42a0-a8c8-eadbf1174ac7}";
pub const ENV: &str = "{bd715740-c970-486b-b68a-b421ec2a1f8b}";
pub const WS_UUID: &str = "{922e118c-f34f-4226-a897-0e0afbec553d}";
const ORG_ID: &str = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
const PROJECT_ID: &str = "6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d";
const SEMAPHORE_PROJECT: &str = "936a5312-a3b8-4921-8b3f-2cec8baac574";
const AZURE_ORG: &str = "61c028b9-510c-4f84-bfb2-f48d33b6b542";
const POOL: &str = "eu-west-1:5c1de4a3-b2f0-4e9d-8c7b-6a5f4e3d2c1b";

/// Buildkite pipelines and GitLab projects have subjects ending in `*` (the commit, the ref);
/// the identity model reads those providers' names as any text, so there `who` shows the scope
/// on the exact keys AWS also exposes and the generator adds (`organization_slug`,
/// `pipeline_slug`, `build_branch`, `project_id`).
///
/// One provider scope: the intent, the fields `who` must pin (field, value), and outsiders:
/// `(claim, from, to)` edits of each admitted witness that leave the scope.
pub struct Case {
    pub name: &'static str,
    pub scope: Scope,
    pub pinned: Vec<(&'static str, &'static str)>,
    pub outsiders: Vec<(&'static str, &'static str, &'static str)>,
}

fn case(
    name: &'static str,
    scope: Scope,
    pinned: &[(&'static str, &'static str)],
    outsiders: &[(&'static str, &'static str, &'static str)],
) -> Case {
    Case {
        name,
        scope,
        pinned: pinned.to_vec(),
        outsiders: outsiders.to_vec(),
    }
}

fn github(context: GitHubContext, ids: bool) -> Scope {
    Scope::GitHub {
        owner: "acme".into(),
        repo: "app".into(),
        ids: ids.then(|| ("1234567".into(), "98765432".into())),
        context,
        enterprise: None,
    }
}

fn bitbucket(env: Option<&str>) -> Scope {
    Scope::Bitbucket {
        workspace: "bbcitest".into(),
        workspace_uuid: WS_UUID.into(),
        repository: REPO.into(),
        environment: env.map(str::to_string),
    }
}

fn gitlab(project_id: Option<&str>, git_ref: GitLabRef) -> Scope {
    Scope::GitLab {
        host: None,
        project: "acme/payments-api".into(),
        project_id: project_id.map(str::to_string),
        git_ref,
    }
}

fn buildkite(branch: Option<&str>) -> Scope {
    Scope::Buildkite {
        organization: "acme".into(),
        pipeline: "payments-deploy".into(),
        branch: branch.map(str::to_string),
    }
}

fn hcp(run_phase: Option<&str>) -> Scope {
    Scope::HcpTerraform {
        organization: "acme".into(),
        project: "platform".into(),
        workspace: "payments-prod".into(),
        run_phase: run_phase.map(str::to_string),
    }
}

fn spacelift(run_type: Option<&str>, write: bool) -> Scope {
    Scope::Spacelift {
        account: "acme".into(),
        space: "legacy".into(),
        stack: "payments-prod".into(),
        module: false,
        run_type: run_type.map(str::to_string),
        write,
    }
}

fn azure(target: AzureTarget) -> Scope {
    Scope::AzureDevOps {
        org_id: AZURE_ORG.into(),
        organization: "acme".into(),
        project: "payments".into(),
        target,
    }
}

fn semaphore(git_ref: GitRef) -> Scope {
    Scope::Semaphore {
        organization: "acme".into(),
        project_id: SEMAPHORE_PROJECT.into(),
        repository: "payments-api".into(),
        git_ref,
    }
}

fn codefresh() -> Scope {
    Scope::Codefresh {
        account: "5f30ebd30312313ae7f17948".into(),
        pipeline: "64de5cd47626b3ca134e760a".into(),
    }
}

pub fn cases() -> Vec<Case> {
    let other_repo = ("sub", REPO, "{0badc0de-0000-4000-8000-00000000beef}");
    let branch = |name: &str| GitLabRef::Branch {
        name: name.into(),
        protected: true,
    };
    vec![
        case(
            "bitbucket-repository",
            bitbucket(None),
            &[("repository", REPO)],
            &[other_repo, ("aud", "922e118c", "0badc0de")],
        ),
        case(
            "bitbucket-environment",
            bitbucket(Some(ENV)),
            &[("repository", REPO), ("environment", ENV)],
            &[
                other_repo,
                ("sub", ENV, "{0badc0de-0000-4000-8000-0000000000e0}"),
            ],
        ),
        case(
            "github-environment",
            github(GitHubContext::Environment("production".into()), false),
            &[
                ("owner", "acme"),
                ("repo", "app"),
                ("environment", "production"),
            ],
            &[
                ("sub", "production", "staging"),
                ("sub", "acme/app", "acme/other"),
                ("aud", "sts.amazonaws.com", "https://github.com/acme"),
            ],
        ),
        case(
            "github-branch",
            github(GitHubContext::Branch("main".into()), false),
            &[("owner", "acme"), ("repo", "app"), ("branch", "main")],
            &[
                ("sub", "heads/main", "heads/feature"),
                ("sub", "acme/", "evil/"),
            ],
        ),
        case(
            "github-tag",
            github(GitHubContext::Tag("v1.0.0".into()), false),
            &[("owner", "acme"), ("repo", "app"), ("tag", "v1.0.0")],
            &[("sub", "tags/v1.0.0", "tags/v1.0.1")],
        ),
        case(
            "github-branch-immutable",
            github(GitHubContext::Branch("main".into()), true),
            &[
                ("owner", "acme"),
                ("owner_id", "1234567"),
                ("repo", "app"),
                ("repo_id", "98765432"),
                ("branch", "main"),
            ],
            &[
                ("sub", "@98765432", "@23456789"),
                ("sub", "heads/main", "heads/x"),
            ],
        ),
        case(
            "github-enterprise-environment",
            Scope::GitHub {
                owner: "acme".into(),
                repo: "app".into(),
                ids: None,
                context: GitHubContext::Environment("production".into()),
                enterprise: Some("acme-corp".into()),
            },
            &[
                ("owner", "acme"),
                ("repo", "app"),
                ("environment", "production"),
            ],
            &[
                ("sub", "production", "staging"),
                ("sub", "acme/app", "acme/other"),
            ],
        ),
        case(
            "gitlab-self-managed-branch",
            Scope::GitLab {
                host: Some("gitlab.acme.example".into()),
                project: "acme/payments-api".into(),
                project_id: None,
                git_ref: GitLabRef::Branch {
                    name: "main".into(),
                    protected: false,
                },
            },
            &[(
                "sub",
                "project_path:acme/payments-api:ref_type:branch:ref:main",
            )],
            &[
                ("sub", "ref:main", "ref:feature"),
                ("aud", "gitlab.acme.example", "gitlab.com"),
            ],
        ),
        case(
            "gitlab-protected-branch",
            gitlab(Some("4242"), branch("main")),
            &[
                ("group", "acme"),
                ("project", "payments-api"),
                ("branch", "main"),
            ],
            &[
                ("sub", "ref:main", "ref:feature"),
                ("ref_protected", "true", "false"),
                ("project_id", "4242", "4343"),
            ],
        ),
        case(
            "gitlab-tag",
            gitlab(None, GitLabRef::Tag("v2.3.1".into())),
            &[
                ("group", "acme"),
                ("project", "payments-api"),
                ("tag", "v2.3.1"),
            ],
            &[
                ("sub", "ref:v2.3.1", "ref:v9"),
                ("sub", "payments-api", "other"),
            ],
        ),
        case(
            "gitlab-project",
            gitlab(Some("4242"), GitLabRef::Any),
            &[("project_id", "4242")],
            &[
                ("sub", "payments-api:", "other:"),
                ("project_id", "4242", "4343"),
            ],
        ),
        case(
            "hcp-terraform-apply",
            hcp(Some("apply")),
            &[
                ("organization", "acme"),
                ("project", "platform"),
                ("workspace", "payments-prod"),
                ("run_phase", "apply"),
            ],
            &[
                ("sub", "run_phase:apply", "run_phase:plan"),
                ("sub", "organization:acme", "organization:evil"),
            ],
        ),
        case(
            "hcp-terraform-workspace",
            hcp(None),
            &[
                ("organization", "acme"),
                ("project", "platform"),
                ("workspace", "payments-prod"),
            ],
            &[
                ("sub", "workspace:payments-prod:", "workspace:other:"),
                ("sub", "organization:acme:", "organization:evil:"),
            ],
        ),
        case(
            "circleci-project",
            Scope::CircleCi {
                org_id: ORG_ID.into(),
                project_id: PROJECT_ID.into(),
            },
            &[("project", PROJECT_ID)],
            &[("sub", PROJECT_ID, "0badc0de-0000-4000-8000-0000000000f0")],
        ),
        case(
            "buildkite-pipeline",
            buildkite(None),
            &[
                // The model renders the slugs from the `sub`'s organization and pipeline.
                ("organization", "acme"),
                ("pipeline", "payments-deploy"),
            ],
            &[
                ("sub", "pipeline:payments-deploy:", "pipeline:other:"),
                ("sub", "organization:acme:", "organization:acme-evil:"),
                ("organization_slug", "acme", "acme-evil"),
                ("pipeline_slug", "payments-deploy", "other"),
                ("aud", "sts.amazonaws.com", "https://buildkite.com/acme"),
            ],
        ),
        case(
            "buildkite-branch",
            buildkite(Some("main")),
            &[
                // The model renders the slugs from the `sub`'s organization and pipeline.
                ("organization", "acme"),
                ("pipeline", "payments-deploy"),
                ("build_branch", "main"),
            ],
            &[
                ("sub", "refs/heads/main:", "refs/heads/feature:"),
                ("sub", "pipeline:payments-deploy:", "pipeline:other:"),
                ("build_branch", "main", "feature"),
            ],
        ),
        case(
            "eks-service-account",
            Scope::EksServiceAccount {
                region: "eu-west-1".into(),
                cluster_id: "5C1DE4A3B2F0E9D8C7B6A5F4E3D2C1B0".into(),
                namespace: "payments".into(),
                service_account: "payments-api".into(),
            },
            &[
                ("namespace", "payments"),
                ("service_account", "payments-api"),
            ],
            &[
                ("sub", ":payments:", ":kube-system:"),
                ("sub", ":payments-api", ":default"),
                ("aud", "sts.amazonaws.com", "https://kubernetes.default.svc"),
            ],
        ),
        case(
            "spacelift-stack-write",
            spacelift(None, true),
            &[
                ("space", "legacy"),
                ("stack", "payments-prod"),
                ("scope", "write"),
            ],
            &[
                ("sub", ":scope:write", ":scope:read"),
                ("sub", "stack:payments-prod:", "stack:other:"),
                ("aud", "acme.app", "evil.app"),
            ],
        ),
        case(
            "spacelift-tracked-read",
            spacelift(Some("TRACKED"), false),
            &[
                ("space", "legacy"),
                ("stack", "payments-prod"),
                ("run_type", "TRACKED"),
                ("scope", "read"),
            ],
            &[
                ("sub", "TRACKED", "PROPOSED"),
                ("sub", "space:legacy:", "space:root:"),
            ],
        ),
        case(
            "azure-devops-service-connection",
            azure(AzureTarget::ServiceConnection("aws-prod".into())),
            &[
                ("org", "acme"),
                ("project", "payments"),
                ("service_connection", "aws-prod"),
            ],
            &[
                ("sub", "/aws-prod", "/aws-dev"),
                ("sub", "/payments/", "/other/"),
            ],
        ),
        case(
            "azure-devops-pipeline",
            azure(AzureTarget::Pipeline("deploy".into())),
            &[
                ("org", "acme"),
                ("project", "payments"),
                ("pipeline", "deploy"),
            ],
            &[("sub", "/deploy", "/other")],
        ),
        case(
            "harness-project",
            Scope::Harness {
                host: "app.harness.io".into(),
                account: "Hue1lBsaSx2APlXjzVEPIg".into(),
                organization: "default".into(),
                project: "payments".into(),
            },
            &[
                ("account", "Hue1lBsaSx2APlXjzVEPIg"),
                ("org", "default"),
                ("project", "payments"),
            ],
            &[
                ("sub", "project/payments", "project/other"),
                ("sub", "org/default", "org/other"),
            ],
        ),
        case(
            "semaphore-branch",
            semaphore(GitRef::Branch("main".into())),
            &[
                ("org", "acme"),
                ("project_id", SEMAPHORE_PROJECT),
                ("repo", "payments-api"),
                ("branch", "main"),
            ],
            &[
                ("sub", "heads/main", "heads/feature"),
                ("sub", "repo:payments-api:", "repo:other:"),
            ],
        ),
        case(
            "semaphore-tag",
            semaphore(GitRef::Tag("v1.0.0".into())),
            &[("repo", "payments-api"), ("tag", "v1.0.0")],
            &[("sub", "tags/v1.0.0", "tags/v2")],
        ),
        case(
            "codefresh-cron",
            codefresh(),
            &[
                ("account", "5f30ebd30312313ae7f17948"),
                ("pipeline", "64de5cd47626b3ca134e760a"),
            ],
            &[(
                "sub",
                "64de5cd47626b3ca134e760a",
                "64de5cd47626b3ca134e760b",
            )],
        ),
        case(
            "jenkins-job",
            Scope::Jenkins {
                host: "jenkins.acme.example".into(),
                job: "payments/deploy".into(),
            },
            &[(
                "sub",
                "https://jenkins.acme.example/job/payments/job/deploy/",
            )],
            &[
                ("sub", "/job/deploy/", "/job/deploy/job/PR-7/"),
                ("sub", "job/payments/", "job/other/"),
            ],
        ),
        case(
            "scalr-workspace",
            Scope::Scalr {
                account: "acme".into(),
                environment: "production".into(),
                workspace: "payments".into(),
                audience: "aws.scalr.acme".into(),
            },
            &[
                ("account", "acme"),
                ("environment", "production"),
                ("workspace", "payments"),
            ],
            &[("sub", "workspace:payments", "workspace:other")],
        ),
        case(
            "env0-organization",
            Scope::Env0 {
                oidc_user: "auth0|64c1f0a2b3c4d5e6f7a8b9c0".into(),
            },
            &[("oidc_user", "auth0|64c1f0a2b3c4d5e6f7a8b9c0")],
            &[("sub", "64c1f0a2", "0badc0de")],
        ),
        case(
            "google-service-account",
            Scope::Google {
                service_account_id: "113456789012345678901".into(),
            },
            &[("account_id", "113456789012345678901")],
            &[("sub", "1134", "9934")],
        ),
        case(
            "cognito-authenticated",
            Scope::Cognito {
                identity_pool: POOL.into(),
            },
            &[("aud", POOL)],
            &[
                ("aud", "5c1de4a3", "0badc0de"),
                ("amr", "authenticated", "unauthenticated"),
            ],
        ),
    ]
}
