//! Jenkins (oidc-provider plugin): each instance is its own issuer (`https://{host}/oidc`, or a
//! folder's URL); there is no SaaS issuer, so `prefixes` is empty: instances go in config. `sub` is
//! the job URL by default (folders and multibranch jobs add `job/` segments); AWS exposes only
//! `aud` and `sub` (<https://github.com/jenkinsci/oidc-provider-plugin>).

use crate::providers::{Field, Grammar, Part, Profile, Role, Shape, SubForm, Tenancy};

/// The instance the issuer already names.
const HOST: Field = Field {
    name: "host",
    role: Role::Other,
    example: "jenkins.acme.example",
    other: "jenkins.rolecall-outsider.example",
    // A host, possibly with a port.
    shape: Shape::Opaque,
};
const FOLDER: Field = Field {
    name: "folder",
    role: Role::Group,
    example: "payments",
    other: "rolecall-other-folder",
    shape: Shape::Segment,
};
const JOB: Field = Field {
    name: "job",
    role: Role::Project,
    example: "deploy",
    other: "rolecall-other-job",
    shape: Shape::Segment,
};
/// A multibranch project's branch or pull-request job.
const BRANCH_JOB: Field = Field {
    name: "branch_job",
    role: Role::Ref,
    example: "main",
    other: "PR-1337",
    shape: Shape::Segment,
};

pub const PROFILE: Profile = Profile {
    id: "jenkins",
    name: "Jenkins",
    prefixes: &[],
    claims: crate::request::ClaimSet::Generic,
    tenancy: Tenancy::PerTenant {
        unit: "Jenkins instance (or folder)",
    },
    subject: &[
        SubForm {
            name: "job",
            parts: &[
                Part::Lit("https://"),
                Part::Field(HOST),
                Part::Lit("/job/"),
                Part::Field(JOB),
                Part::Lit("/"),
            ],
        },
        SubForm {
            name: "folder-job",
            parts: &[
                Part::Lit("https://"),
                Part::Field(HOST),
                Part::Lit("/job/"),
                Part::Field(FOLDER),
                Part::Lit("/job/"),
                Part::Field(JOB),
                Part::Lit("/"),
            ],
        },
        SubForm {
            name: "folder-multibranch-job",
            parts: &[
                Part::Lit("https://"),
                Part::Field(HOST),
                Part::Lit("/job/"),
                Part::Field(FOLDER),
                Part::Lit("/job/"),
                Part::Field(JOB),
                Part::Lit("/job/"),
                Part::Field(BRANCH_JOB),
                Part::Lit("/"),
            ],
        },
    ],
    // Entered per credential; `sts.amazonaws.com` is the AWS convention.
    default_audiences: &["sts.amazonaws.com"],
    shared_egress_ips: &[],
    example_claims: r#"{
        "iss": "https://jenkins.acme.example/oidc",
        "aud": "sts.amazonaws.com",
        "sub": "https://jenkins.acme.example/job/payments/job/deploy/",
        "build_number": 123,
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
