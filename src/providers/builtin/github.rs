//! GitHub Actions: one issuer shared by all of github.com (enterprise issuers are per
//! enterprise); `sub` is `repo:{owner}/{repo}:{context}`, or the immutable
//! `repo:{owner}@{owner_id}/{repo}@{repo_id}:{context}` form (default for new repositories
//! since 2026-07-15). Custom `sub` templates are declared per instance in `rolecall.toml`.

use crate::providers::{
    ChangeRequest, Field, Grammar, IdentityControls, Part, Profile, Role, Shape, SubForm, Tenancy,
};

pub(crate) const OWNER: Field = Field {
    name: "owner",
    role: Role::Tenant,
    example: "acme",
    other: "rolecall-outsider",
    shape: Shape::Name,
};
pub(crate) const OWNER_ID: Field = Field {
    name: "owner_id",
    role: Role::Tenant,
    example: "1234567",
    other: "7654321",
    shape: Shape::Digits,
};
pub(crate) const REPO: Field = Field {
    name: "repo",
    role: Role::Project,
    example: "app",
    other: "rolecall-other-repo",
    shape: Shape::Name,
};
pub(crate) const REPO_ID: Field = Field {
    name: "repo_id",
    role: Role::Project,
    example: "98765432",
    other: "23456789",
    shape: Shape::Digits,
};
pub(crate) const BRANCH: Field = Field {
    name: "branch",
    role: Role::Ref,
    example: "main",
    other: "rolecall-untrusted-branch",
    shape: Shape::GitRef,
};
pub(crate) const TAG: Field = Field {
    name: "tag",
    role: Role::Ref,
    example: "v1.0.0",
    other: "rolecall-untrusted-tag",
    shape: Shape::GitRef,
};
pub(crate) const ENVIRONMENT: Field = Field {
    name: "environment",
    role: Role::Environment,
    example: "production",
    other: "rolecall-other-environment",
    shape: Shape::Opaque,
};

pub(crate) const VISIBILITY: Field = Field {
    name: "repository_visibility",
    role: Role::Other,
    example: "private",
    other: "public",
    shape: Shape::OneOf(&["public", "private", "internal"]),
};
pub(crate) const WORKFLOW: Field = Field {
    name: "job_workflow_ref",
    role: Role::Other,
    example: "acme/deploy/.github/workflows/deploy.yml@refs/heads/main",
    other: "acme/deploy/.github/workflows/deploy.yml@refs/heads/rolecall-untrusted-branch",
    shape: Shape::Opaque,
};

macro_rules! forms {
    ($($name:literal: [$($context:expr),*];)* custom: [$($custom:expr),* $(,)?]) => {
        &[
            $(SubForm {
                name: $name,
                parts: &[
                    Part::Lit("repo:"), Part::Field(OWNER), Part::Lit("/"), Part::Field(REPO),
                    $($context),*
                ],
            },)*
            $(SubForm {
                name: concat!($name, "-immutable"),
                parts: &[
                    Part::Lit("repo:"), Part::Field(OWNER), Part::Lit("@"), Part::Field(OWNER_ID),
                    Part::Lit("/"), Part::Field(REPO), Part::Lit("@"), Part::Field(REPO_ID),
                    $($context),*
                ],
            },)*
            $($custom,)*
        ]
    };
}

pub const PROFILE: Profile = Profile {
    id: "github",
    name: "GitHub Actions",
    prefixes: &[
        "token.actions.githubusercontent.com",
        "token.actions.githubusercontent.com/*",
        "token.actions.*.ghe.com",
        "github.com/enterprises/*",
    ],
    claims: crate::request::ClaimSet::GitHub,
    tenancy: Tenancy::Shared,
    subject: forms! {
        "branch": [Part::Lit(":ref:refs/heads/"), Part::Field(BRANCH)];
        "tag": [Part::Lit(":ref:refs/tags/"), Part::Field(TAG)];
        "environment": [Part::Lit(":environment:"), Part::Field(ENVIRONMENT)];
        "pull-request": [Part::Lit(":pull_request")];
        custom: [
            // Custom subject templates (`PUT /repos/{owner}/{repo}/actions/oidc/customization/sub`):
            // `key:value` pairs in the configured order. The common ones:
            SubForm { name: "custom-owner", parts: &[Part::Lit("repository_owner:"), Part::Field(OWNER)] },
            SubForm {
                name: "custom-owner-visibility",
                parts: &[
                    Part::Lit("repository_owner:"), Part::Field(OWNER),
                    Part::Lit(":repository_visibility:"), Part::Field(VISIBILITY),
                ],
            },
            SubForm { name: "custom-owner-id", parts: &[Part::Lit("repository_owner_id:"), Part::Field(OWNER_ID)] },
            SubForm { name: "custom-repo-id", parts: &[Part::Lit("repository_id:"), Part::Field(REPO_ID)] },
            SubForm {
                name: "custom-environment-owner",
                parts: &[
                    Part::Lit("environment:"), Part::Field(ENVIRONMENT),
                    Part::Lit(":repository_owner:"), Part::Field(OWNER),
                ],
            },
            SubForm {
                name: "custom-repo-environment-workflow",
                parts: &[
                    Part::Lit("repo:"), Part::Field(OWNER), Part::Lit("/"), Part::Field(REPO),
                    Part::Lit(":environment:"), Part::Field(ENVIRONMENT),
                    Part::Lit(":job_workflow_ref:"), Part::Field(WORKFLOW),
                ],
            },
            // Names the called reusable workflow, not the caller: any repository that can
            // call it presents the same subject.
            SubForm { name: "custom-workflow", parts: &[Part::Lit("job_workflow_ref:"), Part::Field(WORKFLOW)] },
        ]
    },
    default_audiences: &["sts.amazonaws.com"],
    shared_egress_ips: &[],
    example_claims: r#"{
        "iss": "https://token.actions.githubusercontent.com",
        "aud": "sts.amazonaws.com",
        "sub": "repo:acme/app:ref:refs/heads/main",
        "repository": "acme/app",
        "repository_owner": "acme",
        "repository_id": "98765432",
        "repository_owner_id": "1234567",
        "ref": "refs/heads/main",
        "ref_type": "branch",
        "event_name": "push",
        "actor": "octocat",
        "actor_id": "583231",
        "workflow": "deploy",
        "job_workflow_ref": "acme/app/.github/workflows/deploy.yml@refs/heads/main",
        "iat": 1767225600,
        "exp": 1767229200
    }"#,
    // In both of the facts' example tokens (a push job with an environment, an enterprise pull
    // request job) and not marked conditional. Not listed: `environment` (only when the job
    // names one), `job_workflow_ref`/`job_workflow_sha` (only inside a reusable workflow, per the
    // facts), `enterprise`/`enterprise_id` (enterprise-owned repositories), `check_run_id`,
    // `repo_property_*`.
    always_present: &[
        "jti",
        "nbf",
        "actor",
        "actor_id",
        "base_ref",
        "head_ref",
        "event_name",
        "ref",
        "ref_type",
        "repository",
        "repository_id",
        "repository_owner",
        "repository_owner_id",
        "repository_visibility",
        "run_id",
        "run_number",
        "run_attempt",
        "runner_environment",
        "sha",
        "workflow",
        "workflow_ref",
        "workflow_sha",
    ],
    // The `environment:` context is there exactly when the job names an environment; a custom
    // template's `key:value` pair renders the claim's own value.
    implied_by_subject: &[
        ("environment", "environment"),
        ("job_workflow_ref", "job_workflow_ref"),
        ("enterprise_id", "enterprise_id"),
    ],
    per_tenant_prefixes: &[
        ("token.actions.githubusercontent.com/*", "GitHub enterprise"),
        ("token.actions.*.ghe.com", "GitHub enterprise"),
        ("github.com/enterprises/*", "GitHub enterprise"),
    ],
    member_of_every_group: None,
    caller_free_claims: &["job_workflow_ref"],
    guest_guard: None,
    // AWS's page on identity-provider controls (R8.2): `sub`, or `job_workflow_ref`, on the
    // shared github.com issuer. Enterprise issuers are each their own and are not named.
    claim_facts: &[],
    iam_identity_controls: Some(IdentityControls {
        issuers: &["token.actions.githubusercontent.com"],
        claims: &["sub", "job_workflow_ref"],
    }),
    grammar: Grammar {
        complete: true,
        // Git ref, owner, repository and project names never hold `:`; GitHub escapes it in
        // custom-template claim values (`production%3Aeastus`).
        separator_free: Some(':'),
        change_request: Some(ChangeRequest {
            form_prefix: "pull-request",
            noun: "pull request",
        }),
        custom_templates: true,
        forms_words: Some(
            "the classic subject format, the documented custom templates or a template \
             declared in rolecall.toml, so, unless the repository sets a subject template that \
             is not declared,",
        ),
        format_help: None,
    },
    protected_ref_claim: None,
};
