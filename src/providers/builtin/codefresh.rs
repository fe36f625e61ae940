//! Codefresh: one issuer, `https://oidc.codefresh.io`, shared by every account; `sub` is
//! `account:{account}:pipeline:{pipeline}` plus trigger-specific parts (`:initiator:`, git
//! `:scm_repo_url:...:scm_ref:`, pull request `:scm_pull_request_target_branch:`); AWS exposes only
//! `aud` and `sub` (<https://codefresh.io/docs/docs/integrations/oidc-pipelines/>).

use crate::providers::{
    ChangeRequest, Field, Grammar, Part, Profile, Role, Shape, SubForm, Tenancy,
};

const ACCOUNT: Field = Field {
    name: "account",
    role: Role::Tenant,
    example: "5f30ebd30312313ae7f17948",
    other: "0badc0de0badc0de0badc0de",
    shape: Shape::Name,
};
const PIPELINE: Field = Field {
    name: "pipeline",
    role: Role::Project,
    example: "64de5cd47626b3ca134e760a",
    other: "0badc0de0000000000beef00",
    shape: Shape::Name,
};
const INITIATOR: Field = Field {
    name: "initiator",
    role: Role::Other,
    example: "jdoe",
    other: "rolecall-outsider",
    shape: Shape::Segment,
};
const REPO_URL: Field = Field {
    name: "scm_repo_url",
    role: Role::Project,
    example: "https://github.com/acme/payments-api",
    other: "https://github.com/rolecall-outsider/rolecall-other-repo",
    // A URL: it holds `:`.
    shape: Shape::Opaque,
};
const SCM_USER: Field = Field {
    name: "scm_user_name",
    role: Role::Other,
    example: "jdoe",
    other: "rolecall-outsider",
    shape: Shape::Segment,
};
const REF: Field = Field {
    name: "scm_ref",
    role: Role::Ref,
    example: "main",
    other: "rolecall-untrusted-branch",
    shape: Shape::GitRef,
};
const TARGET_BRANCH: Field = Field {
    name: "scm_pull_request_target_branch",
    role: Role::Ref,
    example: "main",
    other: "rolecall-untrusted-branch",
    shape: Shape::GitRef,
};

macro_rules! account_pipeline {
    ($($tail:expr),*) => {
        &[
            Part::Lit("account:"), Part::Field(ACCOUNT), Part::Lit(":pipeline:"),
            Part::Field(PIPELINE), $($tail),*
        ]
    };
}

pub const PROFILE: Profile = Profile {
    id: "codefresh",
    name: "Codefresh",
    prefixes: &["oidc.codefresh.io"],
    claims: crate::request::ClaimSet::Generic,
    tenancy: Tenancy::Shared,
    subject: &[
        SubForm {
            name: "cron",
            parts: account_pipeline!(),
        },
        SubForm {
            name: "manual",
            parts: account_pipeline!(Part::Lit(":initiator:"), Part::Field(INITIATOR)),
        },
        SubForm {
            name: "git-push",
            parts: account_pipeline!(
                Part::Lit(":scm_repo_url:"),
                Part::Field(REPO_URL),
                Part::Lit(":scm_user_name:"),
                Part::Field(SCM_USER),
                Part::Lit(":scm_ref:"),
                Part::Field(REF)
            ),
        },
        SubForm {
            name: "pull-request",
            parts: account_pipeline!(
                Part::Lit(":scm_repo_url:"),
                Part::Field(REPO_URL),
                Part::Lit(":scm_user_name:"),
                Part::Field(SCM_USER),
                Part::Lit(":scm_ref:"),
                Part::Field(REF),
                Part::Lit(":scm_pull_request_target_branch:"),
                Part::Field(TARGET_BRANCH)
            ),
        },
        SubForm {
            name: "manual-git",
            parts: account_pipeline!(
                Part::Lit(":initiator:"),
                Part::Field(INITIATOR),
                Part::Lit(":scm_repo_url:"),
                Part::Field(REPO_URL),
                Part::Lit(":scm_user_name:"),
                Part::Field(SCM_USER),
                Part::Lit(":scm_ref:"),
                Part::Field(REF)
            ),
        },
    ],
    default_audiences: &["https://g.codefresh.io"],
    shared_egress_ips: &[],
    example_claims: r#"{
        "iss": "https://oidc.codefresh.io",
        "aud": "https://g.codefresh.io",
        "sub": "account:5f30ebd30312313ae7f17948:pipeline:64de5cd47626b3ca134e760a:scm_repo_url:https://github.com/acme/payments-api:scm_user_name:jdoe:scm_ref:main",
        "account_id": "5f30ebd30312313ae7f17948",
        "account_name": "acme",
        "pipeline_id": "64de5cd47626b3ca134e760a",
        "pipeline_name": "payments/deploy",
        "workflow_id": "64f447c02199f903000a1b20",
        "scm_user_name": "jdoe",
        "scm_repo_url": "https://github.com/acme/payments-api",
        "scm_ref": "main",
        "iat": 1767225600,
        "exp": 1767225900
    }"#,
    // The provider facts list claims but not which ones every token carries: beyond the claims
    // OpenID Connect requires, all may be absent (the safe reading).
    always_present: &[],
    implied_by_subject: &[],
    per_tenant_prefixes: &[],
    member_of_every_group: None,
    caller_free_claims: &[],
    guest_guard: None,
    claim_facts: &[],
    iam_identity_controls: None,
    grammar: Grammar {
        change_request: Some(ChangeRequest {
            form_prefix: "pull-request",
            noun: "pull request",
        }),
        ..Grammar::OPEN
    },
    protected_ref_claim: None,
};
