//! Amazon EKS IAM roles for service accounts: one issuer per cluster,
//! `https://oidc.eks.{region}.amazonaws.com/id/{id}`; `sub` is `system:serviceaccount:{ns}:{sa}`;
//! AWS exposes only `aud` (`sts.amazonaws.com`) and `sub`
//! (<https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html>).

use crate::providers::{Field, Grammar, Part, Profile, Role, Shape, SubForm, Tenancy};

const NAMESPACE: Field = Field {
    name: "namespace",
    role: Role::Group,
    example: "payments",
    other: "rolecall-other-namespace",
    shape: Shape::Name,
};
const SERVICE_ACCOUNT: Field = Field {
    name: "service_account",
    role: Role::Project,
    example: "payments-api",
    other: "rolecall-other-service-account",
    shape: Shape::Name,
};

pub const PROFILE: Profile = Profile {
    id: "eks-irsa",
    name: "Amazon EKS service accounts (IRSA)",
    prefixes: &["oidc.eks.*.amazonaws.com/id/*"],
    claims: crate::request::ClaimSet::Generic,
    tenancy: Tenancy::PerTenant {
        unit: "EKS cluster",
    },
    subject: &[SubForm {
        name: "service-account",
        parts: &[
            Part::Lit("system:serviceaccount:"),
            Part::Field(NAMESPACE),
            Part::Lit(":"),
            Part::Field(SERVICE_ACCOUNT),
        ],
    }],
    default_audiences: &["sts.amazonaws.com"],
    shared_egress_ips: &[],
    example_claims: r#"{
        "iss": "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
        "aud": ["sts.amazonaws.com"],
        "sub": "system:serviceaccount:payments:payments-api",
        "kubernetes.io": {
            "namespace": "payments",
            "pod": {
                "name": "payments-api-7d9f8c6b5-abcde",
                "uid": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
            },
            "serviceaccount": {
                "name": "payments-api",
                "uid": "1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a"
            }
        },
        "iat": 1767225600,
        "nbf": 1767225600,
        "exp": 1767312000
    }"#,
    // The provider facts list claims but not which ones every token carries: beyond the claims
    // OpenID Connect requires, all may be absent (the safe reading).
    always_present: &[],
    implied_by_subject: &[],
    per_tenant_prefixes: &[],
    member_of_every_group: Some(("namespace", "default")),
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
