//! Buildkite: one issuer, `https://agent.buildkite.com`, shared by every organization; `sub` is
//! `organization:{org}:pipeline:{pipeline}:ref:{ref}:commit:{sha}:step:{step_key}` (the key may be
//! empty); AWS exposes `aud`, `sub`, `organization_id`/`_slug`, `pipeline_id`/`_slug`,
//! `build_branch`, `cluster_*` (<https://buildkite.com/docs/pipelines/security/oidc/aws>).

use crate::providers::{
    ClaimFact, Field, Grammar, IdentityControls, Part, Profile, Role, Shape, SubForm, Tenancy,
};

const ORGANIZATION: Field = Field {
    name: "organization",
    role: Role::Tenant,
    example: "acme",
    other: "rolecall-outsider",
    shape: Shape::Name,
};
const PIPELINE: Field = Field {
    name: "pipeline",
    role: Role::Project,
    example: "payments-deploy",
    other: "rolecall-other-pipeline",
    shape: Shape::Name,
};
const REF: Field = Field {
    name: "ref",
    role: Role::Ref,
    example: "refs/heads/main",
    other: "refs/heads/rolecall-untrusted-branch",
    shape: Shape::GitRef,
};
const COMMIT: Field = Field {
    name: "commit",
    role: Role::Volatile,
    example: "750339bffa630404607f73dd8ed2f2c4de3670c7",
    other: "0badc0de0badc0de0badc0de0badc0de0badc0de",
    // A SHA, or `HEAD` before the build resolves its commit.
    shape: Shape::Name,
};
const STEP: Field = Field {
    name: "step",
    role: Role::Volatile,
    example: "deploy",
    other: "rolecall-other-step",
    // A step key is any text that does not look like a UUID (the pipeline SDK): it may hold `:`.
    shape: Shape::Any,
};

pub const PROFILE: Profile = Profile {
    id: "buildkite",
    name: "Buildkite Pipelines",
    // The `agent.*.buildkite.dev|site` issuers are those AWS's key list names for Buildkite.
    prefixes: &[
        "agent.buildkite.com",
        "agent.*.buildkite.dev",
        "agent.*.buildkite.site",
    ],
    claims: crate::request::ClaimSet::Buildkite,
    tenancy: Tenancy::Shared,
    subject: &[
        SubForm {
            name: "keyed-step",
            parts: &[
                Part::Lit("organization:"),
                Part::Field(ORGANIZATION),
                Part::Lit(":pipeline:"),
                Part::Field(PIPELINE),
                Part::Lit(":ref:"),
                Part::Field(REF),
                Part::Lit(":commit:"),
                Part::Field(COMMIT),
                Part::Lit(":step:"),
                Part::Field(STEP),
            ],
        },
        SubForm {
            name: "unkeyed-step",
            parts: &[
                Part::Lit("organization:"),
                Part::Field(ORGANIZATION),
                Part::Lit(":pipeline:"),
                Part::Field(PIPELINE),
                Part::Lit(":ref:"),
                Part::Field(REF),
                Part::Lit(":commit:"),
                Part::Field(COMMIT),
                Part::Lit(":step:"),
            ],
        },
    ],
    default_audiences: &["sts.amazonaws.com"],
    shared_egress_ips: &[],
    example_claims: r#"{
        "iss": "https://agent.buildkite.com",
        "aud": "sts.amazonaws.com",
        "sub": "organization:acme:pipeline:payments-deploy:ref:refs/heads/main:commit:750339bffa630404607f73dd8ed2f2c4de3670c7:step:deploy",
        "organization_slug": "acme",
        "pipeline_slug": "payments-deploy",
        "build_number": 175,
        "build_branch": "main",
        "build_tag": null,
        "build_commit": "750339bffa630404607f73dd8ed2f2c4de3670c7",
        "step_key": "deploy",
        "job_id": "018485f6-1f53-4f18-9b53-72428db4d239",
        "agent_id": "018485f6-eec2-4b61-a7be-0e35ef563df0",
        "organization_id": "0188b3a2-1c2d-4e3f-8a9b-0c1d2e3f4a5b",
        "pipeline_id": "0188b3a2-9f8e-4d7c-8b6a-5f4e3d2c1b0a",
        "iat": 1767225600,
        "nbf": 1767225600,
        "exp": 1767225900
    }"#,
    // The facts' base claims. Not listed: `build_tag` (null on branch builds), and the ones only
    // sent when requested with `--claim` (`organization_id`, `pipeline_id`, `cluster_id`,
    // `cluster_name`).
    always_present: &[
        "organization_slug",
        "pipeline_slug",
        "build_number",
        "build_branch",
        "build_commit",
        "step_key",
        "job_id",
        "agent_id",
    ],
    implied_by_subject: &[],
    per_tenant_prefixes: &[],
    member_of_every_group: None,
    caller_free_claims: &[],
    guest_guard: None,
    // R8.2: `agent.buildkite.com:sub` since 6 June 2025. The regional `agent.*.buildkite.*`
    // issuers are not confirmed as controlled, so they are left out.
    // The slugs are the `sub`'s own organization and pipeline; the ids name them too.
    // `build_branch` is left out: a tag build's `sub` ref is `refs/tags/…`, not the branch.
    claim_facts: &[
        ClaimFact {
            claim: "organization_slug",
            role: Role::Tenant,
            same_as: Some("organization"),
            id: false,
        },
        ClaimFact {
            claim: "organization_id",
            role: Role::Tenant,
            same_as: None,
            id: true,
        },
        ClaimFact {
            claim: "pipeline_slug",
            role: Role::Project,
            same_as: Some("pipeline"),
            id: false,
        },
        ClaimFact {
            claim: "pipeline_id",
            role: Role::Project,
            same_as: None,
            id: true,
        },
    ],
    iam_identity_controls: Some(IdentityControls {
        issuers: &["agent.buildkite.com"],
        claims: &["sub"],
    }),
    grammar: Grammar {
        complete: true,
        separator_free: None,
        ..Grammar::OPEN
    },
    protected_ref_claim: None,
};
