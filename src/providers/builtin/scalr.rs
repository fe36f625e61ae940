//! Scalr (low confidence, no official issuer doc): one issuer, `https://scalr.io`, shared by all
//! accounts; `sub` as seen in public configs is `account:{acct}:environment:{env}:workspace:{ws}`;
//! audiences are user-chosen; AWS exposes only `aud` and `sub`
//! (<https://docs.scalr.io/docs/provider_resource_scalr_workload_identity_provider>).

use crate::providers::{Field, Grammar, Part, Profile, Role, Shape, SubForm, Tenancy};

const ACCOUNT: Field = Field {
    name: "account",
    role: Role::Tenant,
    example: "acme",
    other: "rolecall-outsider",
    // The grammar is unverified: names are read as free of `:`, `/` and spaces.
    shape: Shape::Segment,
};
/// A Scalr environment groups workspaces (it is not a deployment environment).
const ENVIRONMENT: Field = Field {
    name: "environment",
    role: Role::Group,
    example: "production",
    other: "rolecall-other-environment",
    // Environment names may hold spaces (unverified), never `:`.
    shape: Shape::Except(':'),
};
const WORKSPACE: Field = Field {
    name: "workspace",
    role: Role::Project,
    example: "payments",
    other: "rolecall-other-workspace",
    shape: Shape::Segment,
};

pub const PROFILE: Profile = Profile {
    id: "scalr",
    name: "Scalr",
    prefixes: &["scalr.io"],
    claims: crate::request::ClaimSet::Generic,
    tenancy: Tenancy::Shared,
    subject: &[SubForm {
        name: "workspace",
        parts: &[
            Part::Lit("account:"),
            Part::Field(ACCOUNT),
            Part::Lit(":environment:"),
            Part::Field(ENVIRONMENT),
            Part::Lit(":workspace:"),
            Part::Field(WORKSPACE),
        ],
    }],
    // User-chosen; an example value.
    default_audiences: &["scalr-aws-oidc"],
    shared_egress_ips: &[],
    // Composed from the `sub` format (no example token was collected).
    example_claims: r#"{
        "iss": "https://scalr.io",
        "aud": "scalr-aws-oidc",
        "sub": "account:acme:environment:production:workspace:payments",
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
    grammar: Grammar::OPEN,
    protected_ref_claim: None,
};
