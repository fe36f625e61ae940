//! Harness: one issuer per account, `https://{cluster}.harness.io/ng/api/oidc/account/{account}`;
//! `sub` is `account/{account}:org/{org}:project/{project}` (flag `PL_OIDC_ENHANCED_SUBJECT_FIELD`;
//! without it undocumented); AWS exposes only `aud` and `sub`
//! (<https://developer.harness.io/harness-platform/use-harness-platform/pipelines/workload-identity/token-claims-reference>).

use crate::providers::{Field, Grammar, Part, Profile, Role, Shape, SubForm, Tenancy};

/// Repeats the account the issuer already names.
const ACCOUNT: Field = Field {
    name: "account",
    role: Role::Other,
    example: "Hue1lBsaSx2APlXjzVEPIg",
    other: "R0lecallOutsider0000Ag",
    shape: Shape::Segment,
};
const ORG: Field = Field {
    name: "org",
    role: Role::Group,
    example: "default",
    other: "rolecall-other-org",
    shape: Shape::Segment,
};
const PROJECT: Field = Field {
    name: "project",
    role: Role::Project,
    example: "payments",
    other: "rolecall-other-project",
    shape: Shape::Segment,
};

pub const PROFILE: Profile = Profile {
    id: "harness",
    name: "Harness",
    prefixes: &["*.harness.io/ng/api/oidc/account/*"],
    claims: crate::request::ClaimSet::Generic,
    tenancy: Tenancy::PerTenant {
        unit: "Harness account",
    },
    subject: &[SubForm {
        name: "enhanced",
        parts: &[
            Part::Lit("account/"),
            Part::Field(ACCOUNT),
            Part::Lit(":org/"),
            Part::Field(ORG),
            Part::Lit(":project/"),
            Part::Field(PROJECT),
        ],
    }],
    default_audiences: &["sts.amazonaws.com"],
    shared_egress_ips: &[],
    example_claims: r#"{
        "iss": "https://app.harness.io/ng/api/oidc/account/Hue1lBsaSx2APlXjzVEPIg",
        "aud": "sts.amazonaws.com",
        "sub": "account/Hue1lBsaSx2APlXjzVEPIg:org/default:project/payments",
        "account_id": "Hue1lBsaSx2APlXjzVEPIg",
        "organization_id": "default",
        "project_id": "payments",
        "pipeline_id": "deploy_prod",
        "environment_id": "prod",
        "environment_type": "Production",
        "connector_id": "aws_oidc",
        "connector_name": "aws-oidc",
        "service_id": "payments_api",
        "service_name": "payments-api",
        "triggered_by_name": "jdoe",
        "trigger_by_email": "jdoe@example.com",
        "stage_type": "Deployment",
        "step_type": "ShellScript",
        "context": "PIPELINE_CONFIG",
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
