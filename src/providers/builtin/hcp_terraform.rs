//! HCP Terraform: one issuer, `https://app.terraform.io`, shared by all organizations (TFE hosts
//! go in config); `sub` is `organization:{org}:project:{p}:workspace:{ws}:run_phase:{plan|apply}`
//! (names, not IDs); AWS exposes only `aud` and `sub`
//! (<https://developer.hashicorp.com/terraform/cloud-docs/dynamic-provider-credentials/workload-identity-tokens>).

use crate::providers::{Field, Grammar, Part, Profile, Role, Shape, SubForm, Tenancy};

const ORGANIZATION: Field = Field {
    name: "organization",
    role: Role::Tenant,
    example: "acme",
    other: "rolecall-outsider",
    shape: Shape::Name,
};
const PROJECT: Field = Field {
    name: "project",
    role: Role::Group,
    example: "platform",
    other: "rolecall-other-project",
    // Project names may hold spaces (letters, digits, spaces, `-`, `_`), never `:`.
    shape: Shape::Except(':'),
};
const WORKSPACE: Field = Field {
    name: "workspace",
    role: Role::Project,
    example: "payments-prod",
    other: "rolecall-other-workspace",
    shape: Shape::Name,
};
/// `plan` also runs for speculative plans of pull requests: never what a write role intends.
const RUN_PHASE: Field = Field {
    name: "run_phase",
    role: Role::Event,
    example: "apply",
    other: "plan",
    // The only run phases HCP Terraform issues.
    shape: Shape::OneOf(&["plan", "apply"]),
};

pub const PROFILE: Profile = Profile {
    id: "hcp-terraform",
    name: "HCP Terraform",
    // `app.eu.terraform.io` is HCP Terraform Europe (not re-verified).
    prefixes: &["app.terraform.io", "app.eu.terraform.io"],
    claims: crate::request::ClaimSet::Generic,
    tenancy: Tenancy::Shared,
    subject: &[SubForm {
        name: "run",
        parts: &[
            Part::Lit("organization:"),
            Part::Field(ORGANIZATION),
            Part::Lit(":project:"),
            Part::Field(PROJECT),
            Part::Lit(":workspace:"),
            Part::Field(WORKSPACE),
            Part::Lit(":run_phase:"),
            Part::Field(RUN_PHASE),
        ],
    }],
    default_audiences: &["aws.workload.identity"],
    shared_egress_ips: &[],
    example_claims: r#"{
        "iss": "https://app.terraform.io",
        "aud": "aws.workload.identity",
        "sub": "organization:acme:project:platform:workspace:payments-prod:run_phase:apply",
        "terraform_organization_id": "org-GRNbCjYNpBB6NEH9",
        "terraform_organization_name": "acme",
        "terraform_project_id": "prj-vegSA59s1XPwMr2t",
        "terraform_project_name": "platform",
        "terraform_workspace_id": "ws-mbsd5E3Ktt5Rg2Xm",
        "terraform_workspace_name": "payments-prod",
        "terraform_full_workspace": "organization:acme:project:platform:workspace:payments-prod",
        "terraform_run_id": "run-X3n1AUXNGWbfECsJ",
        "terraform_run_phase": "apply",
        "iat": 1767225600,
        "nbf": 1767225595,
        "exp": 1767225900
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
