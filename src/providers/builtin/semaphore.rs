//! Semaphore: one issuer per organization, `https://{org}.semaphoreci.com`, also the default `aud`;
//! `sub` is `org:{org}:project:{id}:repo:{repo}:ref_type:{branch|tag|pull-request}:ref:{ref}`; AWS
//! exposes only `aud` and `sub`, not `job_type`, so debug jobs look alike
//! (<https://github.com/semaphoreio/semaphore/blob/main/docs/docs/reference/openid.md>).

use crate::providers::{Field, Grammar, Part, Profile, Role, Shape, SubForm, Tenancy};

/// Repeats the organization the issuer already names.
const ORG: Field = Field {
    name: "org",
    role: Role::Other,
    example: "acme",
    other: "rolecall-outsider",
    shape: Shape::Name,
};
const PROJECT_ID: Field = Field {
    name: "project_id",
    role: Role::Project,
    example: "936a5312-a3b8-4921-8b3f-2cec8baac574",
    other: "0badc0de-0000-4000-8000-00000000beef",
    shape: Shape::Uuid,
};
const REPO: Field = Field {
    name: "repo",
    role: Role::Project,
    example: "payments-api",
    other: "rolecall-other-repo",
    shape: Shape::Name,
};
const BRANCH: Field = Field {
    name: "branch",
    role: Role::Ref,
    example: "main",
    other: "rolecall-untrusted-branch",
    shape: Shape::GitRef,
};
const TAG: Field = Field {
    name: "tag",
    role: Role::Ref,
    example: "v1.0.0",
    other: "rolecall-untrusted-tag",
    shape: Shape::GitRef,
};
/// The pull request's git ref (format not documented; GitHub's merge ref assumed).
const PR_REF: Field = Field {
    name: "pr_ref",
    role: Role::Ref,
    example: "refs/pull/42/merge",
    other: "refs/pull/1337/merge",
    shape: Shape::GitRef,
};

macro_rules! forms {
    ($($name:literal: [$($context:expr),*];)*) => {
        &[$(SubForm {
            name: $name,
            parts: &[
                Part::Lit("org:"), Part::Field(ORG), Part::Lit(":project:"),
                Part::Field(PROJECT_ID), Part::Lit(":repo:"), Part::Field(REPO),
                $($context),*
            ],
        },)*]
    };
}

pub const PROFILE: Profile = Profile {
    id: "semaphore",
    name: "Semaphore",
    prefixes: &["*.semaphoreci.com"],
    claims: crate::request::ClaimSet::Generic,
    tenancy: Tenancy::PerTenant {
        unit: "Semaphore organization",
    },
    // `ref_type` is `$SEMAPHORE_GIT_REF_TYPE`: `branch`, `tag` or `pull-request`.
    subject: forms! {
        "branch": [Part::Lit(":ref_type:branch:ref:refs/heads/"), Part::Field(BRANCH)];
        "tag": [Part::Lit(":ref_type:tag:ref:refs/tags/"), Part::Field(TAG)];
        "pull-request": [Part::Lit(":ref_type:pull-request:ref:"), Part::Field(PR_REF)];
    },
    // The organization's URL.
    default_audiences: &["https://acme.semaphoreci.com"],
    shared_egress_ips: &[],
    example_claims: r#"{
        "iss": "https://acme.semaphoreci.com",
        "aud": "https://acme.semaphoreci.com",
        "sub": "org:acme:project:936a5312-a3b8-4921-8b3f-2cec8baac574:repo:payments-api:ref_type:branch:ref:refs/heads/main",
        "branch": "main",
        "pr_branch": "",
        "pr": "",
        "ref": "refs/heads/main",
        "ref_type": "branch",
        "tag": "",
        "repo": "payments-api",
        "repo_slug": "acme/payments-api",
        "org": "acme",
        "org_id": "d7dd33ad-9317-498c-9cc6-51c250749be7",
        "prj": "payments-api",
        "prj_id": "936a5312-a3b8-4921-8b3f-2cec8baac574",
        "wf_id": "1be81412-6ab8-4fc0-9d0d-7af33335a6ec",
        "ppl_id": "1e1fcfb5-09c0-487e-b051-2d0b5514c42a",
        "job_type": "pipeline_job",
        "job_id": "c117e453-1189-4eaf-b03a-dd6538eb49b2",
        "trg": "h:f-i:f",
        "iat": 1767225600,
        "nbf": 1767225600,
        "exp": 1767229200
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
        complete: true,
        separator_free: None,
        ..Grammar::OPEN
    },
    protected_ref_claim: None,
};
