//! env0: one issuer, `https://login.app.env0.com/` (an Auth0 tenant), shared by every customer;
//! `sub` is the opaque Auth0 ID of the organization's OIDC user, so it is the tenant boundary; AWS
//! exposes only `aud` (env0's Auth0 client ID) and `sub`, plus session tags
//! (<https://docs.envzero.com/guides/integrations/oidc-integrations/oidc-with-aws>).

use crate::providers::{Field, Grammar, Part, Profile, Role, Shape, SubForm, Tenancy};

const OIDC_USER: Field = Field {
    name: "oidc_user",
    role: Role::Tenant,
    example: "auth0|64c1f0a2b3c4d5e6f7a8b9c0",
    other: "auth0|0badc0de0badc0de0badc0de",
    shape: Shape::Opaque,
};

pub const PROFILE: Profile = Profile {
    id: "env0",
    name: "env0",
    // The issuer ends in `/`; a provider registered without it is recognised too.
    prefixes: &["login.app.env0.com/", "login.app.env0.com"],
    claims: crate::request::ClaimSet::Generic,
    tenancy: Tenancy::Shared,
    subject: &[SubForm {
        name: "organization",
        parts: &[Part::Field(OIDC_USER)],
    }],
    // env0's Auth0 client ID, which env0 tells AWS users to register as the audience.
    default_audiences: &["hoMiq9PdkRh9LUvVpH4wIErWg50VSG1b"],
    shared_egress_ips: &[],
    // Without env0's optional `https://aws.amazon.com/tags` claim: with it every witness would
    // need `sts:TagSession`.
    example_claims: r#"{
        "iss": "https://login.app.env0.com/",
        "aud": ["https://prod.env0.com", "https://env0.auth0.com/userinfo"],
        "azp": "hoMiq9PdkRh9LUvVpH4wIErWg50VSG1b",
        "sub": "auth0|64c1f0a2b3c4d5e6f7a8b9c0",
        "organizationId": "3f2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d",
        "apiKeyType": "oidc",
        "projectId": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
        "templateId": "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
        "templateName": "payments",
        "environmentId": "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b",
        "environmentName": "payments-prod",
        "workspaceName": "payments-prod",
        "deploymentLogId": "6f7a8b9c-0d1e-4f2a-8b3c-4d5e6f7a8b9c",
        "deployerEmail": "jdoe@example.com",
        "iat": 1767225600,
        "exp": 1767312000
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
