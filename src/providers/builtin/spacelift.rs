//! Spacelift: one issuer per account, `https://{account}.app.spacelift.io`; `sub` is
//! `space:{space}:(stack|module):{id}:run_type:{run_type}:scope:{read|write}` (PROPOSED runs, for
//! pull requests, get `scope:read`); AWS exposes only `aud` (the account host) and `sub`
//! (<https://docs.spacelift.io/integrations/cloud-providers/oidc>).

use crate::providers::{Field, Grammar, Part, Profile, Role, Shape, SubForm, Tenancy};

const SPACE: Field = Field {
    name: "space",
    role: Role::Group,
    example: "legacy",
    other: "rolecall-other-space",
    shape: Shape::Name,
};
const STACK: Field = Field {
    name: "stack",
    role: Role::Project,
    example: "payments-prod",
    other: "rolecall-other-stack",
    shape: Shape::Name,
};
const MODULE: Field = Field {
    name: "module",
    role: Role::Project,
    example: "terraform-aws-payments",
    other: "rolecall-other-module",
    shape: Shape::Name,
};
/// PROPOSED runs plan pull-request code: never what a write role intends.
const RUN_TYPE: Field = Field {
    name: "run_type",
    role: Role::Event,
    example: "TRACKED",
    other: "PROPOSED",
    shape: Shape::OneOf(&["PROPOSED", "TRACKED", "TASK", "TESTING", "DESTROY"]),
};
/// Read for PROPOSED runs and the plan of tracked runs on stacks without autodeploy.
const SCOPE: Field = Field {
    name: "scope",
    role: Role::Event,
    example: "write",
    other: "read",
    shape: Shape::OneOf(&["read", "write"]),
};

pub const PROFILE: Profile = Profile {
    id: "spacelift",
    name: "Spacelift",
    // `app.us.spacelift.io` is the US region's host (not re-verified).
    prefixes: &["*.app.spacelift.io", "*.app.us.spacelift.io"],
    claims: crate::request::ClaimSet::Generic,
    tenancy: Tenancy::PerTenant {
        unit: "Spacelift account",
    },
    subject: &[
        SubForm {
            name: "stack",
            parts: &[
                Part::Lit("space:"),
                Part::Field(SPACE),
                Part::Lit(":stack:"),
                Part::Field(STACK),
                Part::Lit(":run_type:"),
                Part::Field(RUN_TYPE),
                Part::Lit(":scope:"),
                Part::Field(SCOPE),
            ],
        },
        SubForm {
            name: "module",
            parts: &[
                Part::Lit("space:"),
                Part::Field(SPACE),
                Part::Lit(":module:"),
                Part::Field(MODULE),
                Part::Lit(":run_type:"),
                Part::Field(RUN_TYPE),
                Part::Lit(":scope:"),
                Part::Field(SCOPE),
            ],
        },
    ],
    // The audience is the account's hostname.
    default_audiences: &["acme.app.spacelift.io"],
    shared_egress_ips: &[],
    example_claims: r#"{
        "iss": "https://acme.app.spacelift.io",
        "aud": "acme.app.spacelift.io",
        "sub": "space:legacy:stack:payments-prod:run_type:TRACKED:scope:write",
        "spaceId": "legacy",
        "callerType": "stack",
        "callerId": "payments-prod",
        "runType": "TRACKED",
        "runId": "01J0ABCDEFRUN0000000001",
        "scope": "write",
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
        separator_free: Some(':'),
        ..Grammar::OPEN
    },
    protected_ref_claim: None,
};
