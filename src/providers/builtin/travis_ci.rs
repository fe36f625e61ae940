//! Travis CI: facts unknown. No Travis CI OIDC or workload-identity documentation was found
//! (providers.md §18), so issuer, `sub` grammar and audiences are unknown: no prefixes, no subject
//! forms, empty example claims. A Travis issuer, if any, must be declared in config.

use crate::providers::{Grammar, Profile, Tenancy};

pub const PROFILE: Profile = Profile {
    id: "travis-ci",
    name: "Travis CI",
    prefixes: &[],
    // Unknown; `Shared` is the cautious reading (a missing `sub` is the worse case).
    claims: crate::request::ClaimSet::Generic,
    tenancy: Tenancy::Shared,
    subject: &[],
    default_audiences: &[],
    shared_egress_ips: &[],
    example_claims: "{}",
    // No OIDC documentation was found: nothing beyond the claims OpenID Connect requires.
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
