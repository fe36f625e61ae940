//! GitLab CI/CD: one issuer, `https://gitlab.com`, shared by all gitlab.com projects (self-managed
//! ones go in config); `sub` is `project_path:{group}[/{sub}]/{proj}:ref_type:{type}:ref:{ref}`
//! unless a project changes its components; AWS exposes `aud`, `sub`, `project_id`, `ref_protected`
//! and more (<https://docs.gitlab.com/ci/secrets/id_token_authentication/>).

use crate::providers::{
    ChangeRequest, ClaimFact, Field, Grammar, Part, Profile, Role, Shape, SubForm, Tenancy,
};

const GROUP: Field = Field {
    name: "group",
    role: Role::Tenant,
    example: "acme",
    other: "rolecall-outsider",
    shape: Shape::Name,
};
const SUBGROUP: Field = Field {
    name: "subgroup",
    role: Role::Group,
    example: "platform",
    other: "rolecall-other-subgroup",
    // Subgroups nest: `platform/team`.
    shape: Shape::Path,
};
const PROJECT: Field = Field {
    name: "project",
    role: Role::Project,
    example: "payments-api",
    other: "rolecall-other-project",
    shape: Shape::Name,
};
const BRANCH: Field = Field {
    name: "branch",
    role: Role::Ref,
    example: "main",
    other: "rolecall-untrusted-branch",
    // Git ref rules: `/` allowed, `:` never.
    shape: Shape::GitRef,
};
const TAG: Field = Field {
    name: "tag",
    role: Role::Ref,
    example: "v2.3.1",
    other: "rolecall-untrusted-tag",
    shape: Shape::GitRef,
};

pub const PROFILE: Profile = Profile {
    id: "gitlab",
    name: "GitLab CI/CD",
    prefixes: &["gitlab.com"],
    claims: crate::request::ClaimSet::GitLabCom,
    tenancy: Tenancy::Shared,
    subject: &[
        SubForm {
            name: "branch",
            parts: &[
                Part::Lit("project_path:"),
                Part::Field(GROUP),
                Part::Lit("/"),
                Part::Field(PROJECT),
                Part::Lit(":ref_type:branch:ref:"),
                Part::Field(BRANCH),
            ],
        },
        SubForm {
            name: "tag",
            parts: &[
                Part::Lit("project_path:"),
                Part::Field(GROUP),
                Part::Lit("/"),
                Part::Field(PROJECT),
                Part::Lit(":ref_type:tag:ref:"),
                Part::Field(TAG),
            ],
        },
        // Subgroups nest: the subgroup field may itself hold `a/b`.
        SubForm {
            name: "subgroup-branch",
            parts: &[
                Part::Lit("project_path:"),
                Part::Field(GROUP),
                Part::Lit("/"),
                Part::Field(SUBGROUP),
                Part::Lit("/"),
                Part::Field(PROJECT),
                Part::Lit(":ref_type:branch:ref:"),
                Part::Field(BRANCH),
            ],
        },
        SubForm {
            name: "subgroup-tag",
            parts: &[
                Part::Lit("project_path:"),
                Part::Field(GROUP),
                Part::Lit("/"),
                Part::Field(SUBGROUP),
                Part::Lit("/"),
                Part::Field(PROJECT),
                Part::Lit(":ref_type:tag:ref:"),
                Part::Field(TAG),
            ],
        },
    ],
    default_audiences: &["https://gitlab.com"],
    shared_egress_ips: &[],
    example_claims: r#"{
        "iss": "https://gitlab.com",
        "aud": "https://gitlab.com",
        "sub": "project_path:acme/payments-api:ref_type:branch:ref:main",
        "namespace_id": "72",
        "namespace_path": "acme",
        "project_id": "20",
        "project_path": "acme/payments-api",
        "user_id": "1",
        "user_login": "jdoe",
        "user_email": "jdoe@example.com",
        "user_access_level": "maintainer",
        "pipeline_id": "574",
        "pipeline_source": "push",
        "job_id": "302",
        "ref": "main",
        "ref_type": "branch",
        "ref_path": "refs/heads/main",
        "ref_protected": "true",
        "environment": "production",
        "environment_protected": "true",
        "deployment_tier": "production",
        "runner_id": 1,
        "runner_environment": "gitlab-hosted",
        "sha": "714a629c0b401fdce83e847fc9589983fc6f46bc",
        "ci_config_ref_uri": "gitlab.com/acme/payments-api//.gitlab-ci.yml@refs/heads/main",
        "ci_config_sha": "714a629c0b401fdce83e847fc9589983fc6f46bc",
        "iat": 1767225600,
        "nbf": 1767225595,
        "exp": 1767229200
    }"#,
    // The provider facts list the documented claims without saying which are sent for every job
    // (`environment` is in the list, and only sent for jobs with an environment), so the AWS
    // keys (`project_id`, `namespace_id`, `user_*`, ...) are left possibly absent (the safe
    // reading) until the facts settle them.
    always_present: &[],
    implied_by_subject: &[],
    per_tenant_prefixes: &[],
    member_of_every_group: None,
    caller_free_claims: &[],
    guest_guard: None,
    // `project_id` names one project whatever its path; `namespace_id` one group or subgroup,
    // which lies in one top-level group.
    claim_facts: &[
        ClaimFact {
            claim: "project_id",
            role: Role::Project,
            same_as: None,
            id: true,
        },
        ClaimFact {
            claim: "namespace_id",
            role: Role::Tenant,
            same_as: None,
            id: true,
        },
    ],
    iam_identity_controls: None,
    grammar: Grammar {
        complete: true,
        separator_free: Some(':'),
        change_request: Some(ChangeRequest {
            form_prefix: "merge-request",
            noun: "merge request",
        }),
        custom_templates: false,
        // GitLab's own `sub` components cannot be declared in rolecall.toml.
        forms_words: Some(
            "the documented subject forms, so, unless the project sets its own `sub` components \
             (`ci_id_token_sub_claim_components`, which rolecall.toml cannot declare yet),",
        ),
        format_help: Some(
            "write the value as `project_path:<group>/<project>:ref_type:<branch|tag>:ref:<name>`, \
             e.g. `{example}` (a project that sets `ci_id_token_sub_claim_components` has its own \
             format: rolecall cannot read it yet)",
        ),
    },
    protected_ref_claim: Some("ref_protected"),
};
