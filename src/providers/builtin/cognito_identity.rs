//! Amazon Cognito identity pools: built-in provider `cognito-identity.amazonaws.com`, one issuer
//! for every pool in every account, so `aud` (the pool ID) is the tenant boundary; `sub` is the
//! opaque identity ID `{region}:{guid}`; AWS exposes `aud`, `sub` and `amr`
//! (<https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html>).

use crate::providers::{Field, Grammar, Part, Profile, Role, Shape, SubForm, Tenancy};

const IDENTITY_ID: Field = Field {
    name: "identity_id",
    role: Role::Other,
    example: "us-east-1:2b7f6e2a-1c3d-4e5f-8a9b-0c1d2e3f4a5b",
    other: "us-east-1:0badc0de-0000-4000-8000-00000000beef",
    shape: Shape::Opaque,
};

pub const PROFILE: Profile = Profile {
    id: "cognito-identity",
    name: "Amazon Cognito identity pools",
    prefixes: &["cognito-identity.amazonaws.com"],
    claims: crate::request::ClaimSet::Cognito,
    tenancy: Tenancy::Shared,
    subject: &[SubForm {
        name: "identity",
        parts: &[Part::Field(IDENTITY_ID)],
    }],
    // The identity pool ID; the example pool of AWS's documentation.
    default_audiences: &["us-east-1:12345678-corner-cafe-123456790ab"],
    shared_egress_ips: &[],
    example_claims: r#"{
        "iss": "https://cognito-identity.amazonaws.com",
        "aud": "us-east-1:12345678-corner-cafe-123456790ab",
        "sub": "us-east-1:2b7f6e2a-1c3d-4e5f-8a9b-0c1d2e3f4a5b",
        "amr": ["authenticated", "graph.facebook.com", "graph.facebook.com:10155321234567890"],
        "iat": 1767225600,
        "exp": 1767226200
    }"#,
    // `amr` is left out: the facts treat it as possibly absent (`ForAllValues` on it fails open).
    always_present: &[],
    implied_by_subject: &[],
    per_tenant_prefixes: &[],
    member_of_every_group: None,
    caller_free_claims: &[],
    guest_guard: Some(("amr", "authenticated")),
    claim_facts: &[],
    iam_identity_controls: None,
    grammar: Grammar::OPEN,
    protected_ref_claim: None,
};
