//! CircleCI: the issuer names the organization (`oidc.circleci.com/org/{org}`), and so do the
//! token's `sub`: the same organization, always. A token is one job of one project
//! run by one user; the v2 token also names the VCS origin and ref. `aud` is the organization
//! by default, but a job can ask for another audience, so it is a field of its own.

use super::{CharClass, Domain, FieldSpec, Form, FormBuilder};
use crate::providers::Role;

pub(super) fn forms(iss: &str, prefix: &str) -> Vec<Form> {
    let org = prefix
        .strip_prefix("oidc.circleci.com/org/")
        .unwrap_or(prefix);
    let project = || {
        FieldSpec::new(
            "project",
            Domain::uuid(),
            "6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d",
            "0badc0de-0000-4000-8000-0000000000f0",
        )
        .id()
        .role(Role::Project)
    };
    let user = || {
        FieldSpec::new(
            "user",
            Domain::uuid(),
            "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
            "0badc0de-0000-4000-8000-000000000a5e",
        )
    };
    let base =
        |name: &str, words: &str| FormBuilder::new(name, words).field(project()).field(user());
    let v1 = base("v1", "jobs of project `{project}`")
        .claim("iss", iss)
        .claim(
            "sub",
            &format!("org/{org}/project/{{project}}/user/{{user}}"),
        )
        .claim("oidc.circleci.com/project-id", "{project}")
        .build();
    let v2 = base("v2", "jobs of project `{project}` from `{vcs_origin}` at `{vcs_ref}`")
        .field(FieldSpec::new(
            "vcs_origin",
            Domain::Run(CharClass::NoSpace),
            "github.com/acme/payments-api",
            "github.com/rolecall-outsider/rolecall-other-repo",
        )
        .role(Role::Project))
        .field(FieldSpec::new(
            "vcs_ref",
            Domain::Run(CharClass::NoSpace),
            "refs/heads/main",
            "refs/heads/rolecall-untrusted-branch",
        )
        .role(Role::Ref))
        .claim("iss", iss)
        .claim(
            "sub",
            &format!(
                "org/{org}/project/{{project}}/user/{{user}}/vcs-origin/{{vcs_origin}}/vcs-ref/{{vcs_ref}}"
            ),
        )
        .claim("oidc.circleci.com/project-id", "{project}")
        .claim("oidc.circleci.com/vcs-origin", "{vcs_origin}")
        .claim("oidc.circleci.com/vcs-ref", "{vcs_ref}")
        .build();
    vec![v1, v2]
}
