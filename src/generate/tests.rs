#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::scope::{GitHubContext, GitLabRef};
use super::*;

fn bitbucket(env: Option<&str>) -> Intent {
    Intent {
        scope: Scope::Bitbucket {
            workspace: "bbcitest".into(),
            workspace_uuid: "{922e118c-f34f-4226-a897-0e0afbec553d}".into(),
            repository: "{1de489be-ce6a-42a0-a8c8-eadbf1174ac7}".into(),
            environment: env.map(str::to_string),
        },
        account: "123456789012".into(),
        tag_session: false,
    }
}

#[test]
fn bitbucket_has_audience_principal_and_subject() {
    let g = generate(&bitbucket(Some("{bd715740-c970-486b-b68a-b421ec2a1f8b}"))).unwrap();
    assert_eq!(
        g.principal(),
        "arn:aws:iam::123456789012:oidc-provider/api.bitbucket.org/2.0/workspaces/bbcitest/pipelines-config/identity/oidc"
    );
    assert_eq!(g.conditions[0].claim, "aud");
    assert_eq!(
        g.conditions[0].value,
        "ari:cloud:bitbucket::workspace/922e118c-f34f-4226-a897-0e0afbec553d"
    );
    assert_eq!(g.conditions[1].compare, Compare::Like);
    assert_eq!(
        g.conditions[1].value,
        "{1de489be-ce6a-42a0-a8c8-eadbf1174ac7}:{bd715740-c970-486b-b68a-b421ec2a1f8b}:*"
    );
    assert_eq!(g.actions(), vec!["sts:AssumeRoleWithWebIdentity"]);
}

#[test]
fn json_form_parses_as_the_same_policy() {
    let g = generate(&bitbucket(None)).unwrap();
    let p = crate::policy::parse(&g.render(Format::Json)).unwrap();
    let text = serde_json::to_string(&p.to_json()).unwrap();
    assert!(text.contains("\"StringEquals\""), "{text}");
    assert!(
        text.contains("{1de489be-ce6a-42a0-a8c8-eadbf1174ac7}:*"),
        "{text}"
    );
}

#[test]
fn exact_values_use_string_equals_and_wildcards_string_like() {
    let tag = |t: &str| Intent {
        scope: Scope::GitHub {
            owner: "acme".into(),
            repo: "app".into(),
            ids: None,
            context: GitHubContext::Tag(t.into()),
        },
        account: "123456789012".into(),
        tag_session: true,
    };
    let exact = generate(&tag("v1.0.0")).unwrap();
    assert_eq!(exact.conditions[1].compare, Compare::Equals);
    let like = generate(&tag("v*")).unwrap();
    assert_eq!(like.conditions[1].compare, Compare::Like);
    assert_eq!(
        like.actions(),
        vec!["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]
    );
}

#[test]
fn bad_inputs_are_errors_naming_the_flag() {
    let mut i = bitbucket(None);
    i.account = "12345".into();
    assert_eq!(generate(&i).unwrap_err().input, "--account");
    let mut i = bitbucket(None);
    if let Scope::Bitbucket { repository, .. } = &mut i.scope {
        *repository = "{1de4*".into();
    }
    assert_eq!(generate(&i).unwrap_err().input, "--repository");
    let gl = Intent {
        scope: Scope::GitLab {
            project: "noslash".into(),
            project_id: None,
            git_ref: GitLabRef::Any,
        },
        account: "123456789012".into(),
        tag_session: false,
    };
    assert_eq!(generate(&gl).unwrap_err().input, "--project");
}
