//! Azure DevOps Pipelines: one issuer per organization, `https://vstoken.dev.azure.com/{org_guid}`;
//! `sub` is `sc://{org}/{project}/{connection}` (AWS Toolkit) or `p://{org}/{project}/{pipeline}`;
//! AWS exposes only `aud` (always `api://AzureADTokenExchange`) and `sub`
//! (<https://aws.amazon.com/blogs/modernizing-with-aws/how-to-federate-into-aws-from-azure-devops-using-openid-connect>).

use crate::providers::{Field, Grammar, Part, Profile, Role, Shape, SubForm, Tenancy};

/// Repeats, by name, the organization the issuer names by GUID.
const ORG: Field = Field {
    name: "org",
    role: Role::Other,
    example: "acme",
    other: "rolecall-outsider",
    shape: Shape::Name,
};
const PROJECT: Field = Field {
    name: "project",
    role: Role::Group,
    example: "payments",
    other: "rolecall-other-project",
    // Project names may hold spaces and most punctuation, never `/`.
    shape: Shape::Except('/'),
};
const SERVICE_CONNECTION: Field = Field {
    name: "service_connection",
    role: Role::Project,
    example: "aws-prod-oidc",
    other: "rolecall-other-connection",
    shape: Shape::Any,
};
const PIPELINE: Field = Field {
    name: "pipeline",
    role: Role::Project,
    example: "payments-deploy",
    other: "rolecall-other-pipeline",
    shape: Shape::Any,
};

pub const PROFILE: Profile = Profile {
    id: "azure-devops",
    name: "Azure DevOps Pipelines",
    prefixes: &["vstoken.dev.azure.com/*"],
    claims: crate::request::ClaimSet::Generic,
    tenancy: Tenancy::PerTenant {
        unit: "Azure DevOps organization (GUID)",
    },
    subject: &[
        SubForm {
            name: "service-connection",
            parts: &[
                Part::Lit("sc://"),
                Part::Field(ORG),
                Part::Lit("/"),
                Part::Field(PROJECT),
                Part::Lit("/"),
                Part::Field(SERVICE_CONNECTION),
            ],
        },
        SubForm {
            name: "pipeline",
            parts: &[
                Part::Lit("p://"),
                Part::Field(ORG),
                Part::Lit("/"),
                Part::Field(PROJECT),
                Part::Lit("/"),
                Part::Field(PIPELINE),
            ],
        },
    ],
    default_audiences: &["api://AzureADTokenExchange"],
    shared_egress_ips: &[],
    example_claims: r#"{
        "iss": "https://vstoken.dev.azure.com/61c028b9-510c-4f84-bfb2-f48d33b6b542",
        "aud": "api://AzureADTokenExchange",
        "sub": "sc://acme/payments/aws-prod-oidc",
        "org_id": "61c028b9-510c-4f84-bfb2-f48d33b6b542",
        "prj_id": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "def_id": "42",
        "rpo_id": "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d",
        "rpo_uri": "https://dev.azure.com/acme/payments/_git/payments-api",
        "rpo_ver": "714a629c0b401fdce83e847fc9589983fc6f46bc",
        "rpo_ref": "refs/heads/main",
        "run_id": "1234",
        "iat": 1767225600,
        "nbf": 1767225600,
        "exp": 1767226200
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
