//! CircleCI: one issuer per organization, `https://oidc.circleci.com/org/{org_id}`; `sub` is
//! `org/{org}/project/{project}/user/{user}`, and `$CIRCLE_OIDC_TOKEN_V2` appends
//! `/vcs-origin/{origin}/vcs-ref/{ref}`; AWS exposes `aud` (the org ID), `sub` and
//! `oidc.circleci.com/project-id` (<https://circleci.com/docs/openid-connect-tokens/>).

use crate::providers::{Field, Grammar, Part, Profile, Role, Shape, SubForm, Tenancy};

/// Repeats the organization the issuer already names.
const ORG: Field = Field {
    name: "org",
    role: Role::Other,
    example: "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
    other: "0badc0de-0000-4000-8000-00000000beef",
    shape: Shape::Uuid,
};
const PROJECT: Field = Field {
    name: "project",
    role: Role::Project,
    example: "6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d",
    other: "0badc0de-0000-4000-8000-0000000000f0",
    shape: Shape::Uuid,
};
const USER: Field = Field {
    name: "user",
    role: Role::Other,
    example: "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    other: "0badc0de-0000-4000-8000-000000000a5e",
    shape: Shape::Uuid,
};
const VCS_ORIGIN: Field = Field {
    name: "vcs_origin",
    role: Role::Project,
    example: "github.com/acme/payments-api",
    other: "github.com/rolecall-outsider/rolecall-other-repo",
    shape: Shape::Opaque,
};
const VCS_REF: Field = Field {
    name: "vcs_ref",
    role: Role::Ref,
    example: "refs/heads/main",
    other: "refs/heads/rolecall-untrusted-branch",
    shape: Shape::Opaque,
};

pub const PROFILE: Profile = Profile {
    id: "circleci",
    name: "CircleCI",
    prefixes: &["oidc.circleci.com/org/*"],
    claims: crate::request::ClaimSet::CircleCi,
    tenancy: Tenancy::PerTenant {
        unit: "CircleCI organization",
    },
    subject: &[
        SubForm {
            name: "v1",
            parts: &[
                Part::Lit("org/"),
                Part::Field(ORG),
                Part::Lit("/project/"),
                Part::Field(PROJECT),
                Part::Lit("/user/"),
                Part::Field(USER),
            ],
        },
        SubForm {
            name: "v2",
            parts: &[
                Part::Lit("org/"),
                Part::Field(ORG),
                Part::Lit("/project/"),
                Part::Field(PROJECT),
                Part::Lit("/user/"),
                Part::Field(USER),
                Part::Lit("/vcs-origin/"),
                Part::Field(VCS_ORIGIN),
                Part::Lit("/vcs-ref/"),
                Part::Field(VCS_REF),
            ],
        },
    ],
    // The audience is the organization ID.
    default_audiences: &["0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"],
    shared_egress_ips: &[],
    example_claims: r#"{
        "iss": "https://oidc.circleci.com/org/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
        "aud": "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
        "sub": "org/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/project/6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d/user/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d/vcs-origin/github.com/acme/payments-api/vcs-ref/refs/heads/main",
        "oidc.circleci.com/project-id": "6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d",
        "oidc.circleci.com/vcs-origin": "github.com/acme/payments-api",
        "oidc.circleci.com/vcs-ref": "refs/heads/main",
        "oidc.circleci.com/context-ids": ["a74579f1-2e7d-451e-b009-5c082ad2729e"],
        "oidc.circleci.com/ssh-rerun": false,
        "iat": 1767225600,
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
