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

fn claims(json: &str) -> serde_json::Map<String, serde_json::Value> {
    serde_json::from_str(json).unwrap()
}

#[test]
fn github_token_gives_its_environment_or_branch_and_keeps_immutable_ids() {
    let c = claims(
        r#"{"iss": "https://token.actions.githubusercontent.com", "repository": "acme/app",
            "sub": "repo:acme@1234567/app@98765432:environment:prod", "environment": "prod",
            "repository_owner_id": "1234567", "repository_id": "98765432", "ref": "refs/heads/main"}"#,
    );
    let i = intent_from_token(&c, TokenScope::Environment, "123456789012", false).unwrap();
    let g = generate(&i).unwrap();
    assert_eq!(
        g.conditions[1].value,
        "repo:acme@1234567/app@98765432:environment:prod"
    );
    // A job with an environment has an environment subject: a branch role would never match.
    let e = intent_from_token(&c, TokenScope::Branch, "123456789012", false).unwrap_err();
    assert!(e.message.contains("environment"), "{e}");
    let e = intent_from_token(&c, TokenScope::Repository, "123456789012", false).unwrap_err();
    assert!(e.message.contains("pull-request"), "{e}");
}

#[test]
fn gitlab_token_gives_its_protected_branch_and_refuses_environment() {
    let c = claims(
        r#"{"iss": "https://gitlab.com", "project_path": "acme/api", "project_id": "4242",
            "ref_type": "branch", "ref": "main", "ref_protected": "true", "environment": "prod"}"#,
    );
    let g = generate(&intent_from_token(&c, TokenScope::Branch, "123456789012", false).unwrap())
        .unwrap();
    let pairs: Vec<(&str, &str)> = g
        .conditions
        .iter()
        .map(|c| (c.claim.as_str(), c.value.as_str()))
        .collect();
    assert_eq!(
        pairs,
        vec![
            ("aud", "https://gitlab.com"),
            ("sub", "project_path:acme/api:ref_type:branch:ref:main"),
            ("project_id", "4242"),
            ("ref_protected", "true"),
        ]
    );
    let e = intent_from_token(&c, TokenScope::Environment, "123456789012", false).unwrap_err();
    assert!(e.message.contains("environment"), "{e}");
}

#[test]
fn unknown_issuer_and_missing_claims_are_errors() {
    let c = claims(r#"{"iss": "https://example.com"}"#);
    assert!(intent_from_token(&c, TokenScope::Repository, "123456789012", false).is_err());
    let c = claims(r#"{"sub": "x"}"#);
    let e = intent_from_token(&c, TokenScope::Repository, "123456789012", false).unwrap_err();
    assert!(e.message.contains("`iss`"), "{e}");
}
