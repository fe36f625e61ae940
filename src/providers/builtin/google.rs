//! Google: built-in provider `accounts.google.com`, one issuer for all Google (service) accounts;
//! `sub` is the opaque numeric unique ID; AWS exposes `aud` (the token's `azp`, else `aud`),
//! `oaud`, `sub` and `google/organization_number`
//! (<https://aws.amazon.com/blogs/security/access-aws-using-a-google-cloud-platform-native-workload-identity/>).

use crate::providers::{ClaimFact, Field, Grammar, Part, Profile, Role, Shape, SubForm, Tenancy};

/// The only boundary in `sub`: anyone can create a service account, so another ID is another
/// tenant.
const ACCOUNT_ID: Field = Field {
    name: "account_id",
    role: Role::Tenant,
    example: "112233445566778899001",
    other: "100000000000000000042",
    shape: Shape::Digits,
};

pub const PROFILE: Profile = Profile {
    id: "google",
    name: "Google",
    prefixes: &["accounts.google.com"],
    claims: crate::request::ClaimSet::Google,
    tenancy: Tenancy::Shared,
    subject: &[SubForm {
        name: "account",
        parts: &[Part::Field(ACCOUNT_ID)],
    }],
    // The caller chooses the audience of a service-account ID token; this is an example.
    default_audiences: &["aws-prod-deployer"],
    shared_egress_ips: &[],
    example_claims: r#"{
        "iss": "https://accounts.google.com",
        "aud": "aws-prod-deployer",
        "azp": "112233445566778899001",
        "sub": "112233445566778899001",
        "email": "deployer@acme-prod.iam.gserviceaccount.com",
        "email_verified": true,
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
    // The Google Cloud organization the account belongs to.
    claim_facts: &[ClaimFact {
        claim: "google/organization_number",
        role: Role::Tenant,
        same_as: None,
        id: true,
    }],
    iam_identity_controls: None,
    grammar: Grammar::OPEN,
    protected_ref_claim: None,
};
