//! Bitbucket Pipelines: one issuer per workspace; `sub` is `{repo}[:{environment}]:{step}` with
//! UUIDs in braces; AWS exposes only `aud` and `sub`.

use crate::providers::{Field, Grammar, Part, Profile, Role, Shape, SubForm, Tenancy};

const REPO: Field = Field {
    name: "repository",
    role: Role::Project,
    example: "{1de489be-ce6a-42a0-a8c8-eadbf1174ac7}",
    other: "{0badc0de-0000-4000-8000-00000000beef}",
    shape: Shape::BracedUuid,
};
const ENVIRONMENT: Field = Field {
    name: "environment",
    role: Role::Environment,
    example: "{bd715740-c970-486b-b68a-b421ec2a1f8b}",
    other: "{0badc0de-0000-4000-8000-0000000000e0}",
    shape: Shape::BracedUuid,
};
const STEP: Field = Field {
    name: "step",
    role: Role::Volatile,
    example: "{759de0c6-eaee-4eaa-b7a6-c507eec759a7}",
    other: "{0badc0de-0000-4000-8000-0000000057e9}",
    shape: Shape::BracedUuid,
};

pub const PROFILE: Profile = Profile {
    id: "bitbucket",
    name: "Bitbucket Pipelines",
    prefixes: &["api.bitbucket.org/2.0/workspaces/*/pipelines-config/identity/oidc"],
    claims: crate::request::ClaimSet::Bitbucket,
    tenancy: Tenancy::PerTenant { unit: "workspace" },
    subject: &[
        SubForm {
            name: "step",
            parts: &[Part::Field(REPO), Part::Lit(":"), Part::Field(STEP)],
        },
        SubForm {
            name: "deployment-step",
            parts: &[
                Part::Field(REPO),
                Part::Lit(":"),
                Part::Field(ENVIRONMENT),
                Part::Lit(":"),
                Part::Field(STEP),
            ],
        },
    ],
    default_audiences: &["ari:cloud:bitbucket::workspace/922e118c-f34f-4226-a897-0e0afbec553d"],
    // The Pipelines egress addresses Atlassian documented for AWS allow-lists (2020 to 2024).
    shared_egress_ips: &[
        "34.199.54.113",
        "34.232.25.90",
        "34.232.119.183",
        "34.236.25.177",
        "35.171.175.212",
        "52.54.90.98",
        "52.202.195.162",
        "52.203.14.55",
        "52.204.96.37",
        "34.218.156.209",
        "34.218.168.212",
        "52.41.219.63",
        "35.155.178.254",
        "35.160.177.10",
        "34.216.18.129",
        "3.216.235.48",
        "34.231.96.243",
        "44.199.3.254",
        "174.129.205.191",
        "44.199.127.226",
        "44.199.45.64",
        "3.221.151.112",
        "52.205.184.192",
        "52.72.137.240",
    ],
    example_claims: r#"{
        "iss": "https://api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc",
        "aud": "ari:cloud:bitbucket::workspace/922e118c-f34f-4226-a897-0e0afbec553d",
        "sub": "{1de489be-ce6a-42a0-a8c8-eadbf1174ac7}:{759de0c6-eaee-4eaa-b7a6-c507eec759a7}",
        "iat": 1767225600,
        "exp": 1767229200
    }"#,
    // In `claims_supported` and in both of the facts' example tokens. `branchName` is left out
    // (both examples are branch pipelines; tag and custom pipelines are not settled), and
    // `deploymentEnvironmentUuid` is sent only for deployment steps.
    always_present: &[
        "workspaceUuid",
        "repositoryUuid",
        "pipelineUuid",
        "stepUuid",
    ],
    // The environment segment of `sub` and the claim both exist only for deployment steps.
    implied_by_subject: &[("environment", "deploymentEnvironmentUuid")],
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
