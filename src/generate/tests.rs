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
        g.conditions[0].values[0],
        "ari:cloud:bitbucket::workspace/922e118c-f34f-4226-a897-0e0afbec553d"
    );
    assert_eq!(g.conditions[1].compare, Compare::Like);
    assert_eq!(
        g.conditions[1].values[0],
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
            enterprise: None,
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
            host: None,
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
        g.conditions[1].values[0],
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
        .map(|c| (c.claim.as_str(), c.values[0].as_str()))
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

fn flags(pairs: &[(&'static str, &str)]) -> Flags {
    let mut f = Flags::new();
    for (flag, value) in pairs {
        f.set(flag, Some(value));
    }
    f
}

#[test]
fn a_flag_the_provider_cannot_express_is_refused_with_the_reason() {
    let bb = [
        ("--workspace", "w"),
        ("--workspace-uuid", "{922e118c-f34f-4226-a897-0e0afbec553d}"),
        ("--repository", "{1de489be-ce6a-42a0-a8c8-eadbf1174ac7}"),
    ];
    assert!(scope_from_flags("bitbucket", flags(&bb)).is_ok());
    let mut with_branch = bb.to_vec();
    with_branch.push(("--branch", "main"));
    let e = scope_from_flags("bitbucket", flags(&with_branch)).unwrap_err();
    assert_eq!(e.input, "--branch");
    assert!(e.message.contains("branchName"), "{e}");
    let e = scope_from_flags(
        "gitlab",
        flags(&[("--project", "g/p"), ("--environment", "prod")]),
    )
    .unwrap_err();
    assert!(e.message.contains("`environment` claim"), "{e}");
    // A flag no provider rule speaks of still names itself and the provider.
    let e = scope_from_flags(
        "env0",
        flags(&[("--oidc-user", "auth0|x"), ("--region", "us-east-1")]),
    )
    .unwrap_err();
    assert_eq!(e.message, "--region is not part of any env0 scope");
    assert!(scope_from_flags("travis-ci", Flags::new()).is_err());
}

#[test]
fn gitlab_scopes_that_would_end_open_need_an_exact_key() {
    let whole = flags(&[("--project", "g/p")]);
    let e = scope_from_flags("gitlab", whole)
        .and_then(|scope| {
            generate(&Intent {
                scope,
                account: "123456789012".into(),
                tag_session: false,
            })
        })
        .unwrap_err();
    assert_eq!(e.input, "--project-id");
    let self_managed = Intent {
        scope: Scope::GitLab {
            host: Some("gitlab.example.com".into()),
            project: "g/p".into(),
            project_id: None,
            git_ref: GitLabRef::Branch {
                name: "main".into(),
                protected: true,
            },
        },
        account: "123456789012".into(),
        tag_session: false,
    };
    let e = generate(&self_managed).unwrap_err();
    assert_eq!(e.input, "--protected-branch");
    assert!(e.message.contains("gitlab.com"), "{e}");
}

#[test]
fn every_condition_is_on_a_key_aws_exposes() {
    let g = generate(&bitbucket(None)).unwrap();
    let set = crate::request::ClaimSet::of(&g.issuer);
    assert!(g.conditions.iter().all(|c| set.exposes(&c.claim)));
}

#[test]
fn the_cdk_reader_refuses_what_rolecall_does_not_write() {
    let g = generate(&bitbucket(None)).unwrap();
    let text = g.render(Format::Cdk);
    let doc = cdk::read(&text, "123456789012").unwrap();
    let p = crate::policy::parse(&doc).unwrap();
    let want = crate::policy::parse(&g.render(Format::Json)).unwrap();
    assert_eq!(p.to_json(), want.to_json());
    for broken in [
        String::new(),
        text.replace("\"StringLike\"", "StringLike"),
        text.replace("${cdk.Aws.ACCOUNT_ID}", "${props.account}"),
        text.replace("assumedBy: principal", "assumedBy: other"),
        text.replace("  \"sts:AssumeRoleWithWebIdentity\",\n", ""),
        text.chars().take(text.len() / 2).collect(),
    ] {
        assert!(cdk::read(&broken, "123456789012").is_err(), "{broken}");
    }
}

#[test]
fn an_enterprise_issuer_token_keeps_its_issuer() {
    let c = claims(
        r#"{"iss": "https://token.actions.githubusercontent.com/acme-corp", "repository": "acme/app",
            "sub": "repo:acme/app:ref:refs/heads/main", "ref": "refs/heads/main"}"#,
    );
    let g = generate(&intent_from_token(&c, TokenScope::Branch, "123456789012", false).unwrap())
        .unwrap();
    assert_eq!(g.issuer, "token.actions.githubusercontent.com/acme-corp");
    assert_eq!(
        g.conditions[1].values,
        vec!["repo:acme/app:ref:refs/heads/main"]
    );
}
