//! Bitbucket Pipelines: a token is one step of one repository of the workspace the issuer
//! names, possibly deploying to one environment; ids are braced UUIDs. `aud` names the
//! workspace by default but a step can ask for other audiences, so it is a field of its own.
//! AWS exposes `aud` and `sub` only.

use super::{Domain, FieldSpec, Form, FormBuilder};
use crate::providers::Role;

fn uuid_field(name: &str, example: &str, other: &str) -> FieldSpec {
    FieldSpec::new(name, Domain::braced_uuid(), example, other)
}

pub(super) fn forms(iss: &str) -> Vec<Form> {
    let repo = || {
        uuid_field(
            "repository",
            "{1de489be-ce6a-42a0-a8c8-eadbf1174ac7}",
            "{0badc0de-0000-4000-8000-00000000beef}",
        )
        .id()
        .role(Role::Project)
    };
    let env = || {
        uuid_field(
            "environment",
            "{bd715740-c970-486b-b68a-b421ec2a1f8b}",
            "{0badc0de-0000-4000-8000-0000000000e0}",
        )
        .role(Role::Environment)
    };
    let step = || {
        uuid_field(
            "step",
            "{759de0c6-eaee-4eaa-b7a6-c507eec759a7}",
            "{0badc0de-0000-4000-8000-0000000057e9}",
        )
        .role(Role::Volatile)
    };
    vec![
        FormBuilder::new("step", "any step of repository `{repository}`")
            .field(repo())
            .field(step())
            .claim("iss", iss)
            .claim("sub", "{repository}:{step}")
            .claim("repositoryUuid", "{repository}")
            .claim("stepUuid", "{step}")
            .build(),
        FormBuilder::new(
            "deployment-step",
            "deployment steps of repository `{repository}` to environment `{environment}`",
        )
        .field(repo())
        .field(env())
        .field(step())
        .claim("iss", iss)
        .claim("sub", "{repository}:{environment}:{step}")
        .claim("repositoryUuid", "{repository}")
        .claim("deploymentEnvironmentUuid", "{environment}")
        .claim("stepUuid", "{step}")
        .build(),
    ]
}
