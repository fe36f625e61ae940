use super::*;
use serde_json::json;

fn build_for(principal: &str, claims: serde_json::Value) -> Request {
    let Value::Object(claims) = claims else {
        unreachable!()
    };
    build(&RequestInput {
        principal,
        claims: &claims,
        source_ip: None,
        now: 0,
        extra: &[],
    })
}

#[test]
fn only_exposed_claims_become_keys() {
    let r = build_for(
        "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com",
        json!({"sub": "repo:a/b:ref:refs/heads/main", "repository_owner": "a", "repository_id": 42}),
    );
    assert!(r.get("token.actions.githubusercontent.com:sub").is_some());
    assert!(r
        .get("token.actions.githubusercontent.com:repository_owner")
        .is_none());
    assert_eq!(
        r.get("token.actions.githubusercontent.com:repository_id"),
        Some(&ContextValue::Single("42".into()))
    );
    assert!(r.get("aws:sourceip").is_none());
}

#[test]
fn bitbucket_exposes_only_aud_and_sub() {
    let prefix = "api.bitbucket.org/2.0/workspaces/ws/pipelines-config/identity/oidc";
    let r = build_for(
        &format!("arn:aws:iam::1:oidc-provider/{prefix}"),
        json!({"sub": "{a}:{b}", "aud": ["x"], "repositoryUuid": "{a}"}),
    );
    assert_eq!(
        r.get(&format!("{prefix}:aud")),
        Some(&ContextValue::Single("x".into()))
    );
    assert!(r.get(&format!("{prefix}:repositoryuuid")).is_none());
}

#[test]
fn google_aud_carries_azp() {
    let r = build_for(
        "accounts.google.com",
        json!({"aud": "web", "azp": "android", "sub": "1"}),
    );
    assert_eq!(r.single("accounts.google.com:aud"), Some("android"));
    assert_eq!(r.single("accounts.google.com:oaud"), Some("web"));
}

#[test]
fn session_tags_add_keys_and_an_action() {
    let r = build_for(
        "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com",
        json!({"https://aws.amazon.com/tags": {"principal_tags": {"Project": ["X"]}, "transitive_tag_keys": ["Project"]}}),
    );
    assert_eq!(r.actions, [ASSUME_ROLE_WITH_WEB_IDENTITY, TAG_SESSION]);
    assert_eq!(r.single("aws:requesttag/project"), Some("X"));
    assert_eq!(
        r.get("aws:tagkeys"),
        Some(&ContextValue::Multi(vec!["Project".into()]))
    );
}

#[test]
fn key_prefix_keeps_path_and_trailing_slash() {
    assert_eq!(
        key_prefix("arn:aws:iam::1:oidc-provider/auth.example.com/"),
        "auth.example.com/"
    );
    assert_eq!(key_prefix("accounts.google.com"), "accounts.google.com");
    assert_eq!(
        issuer_prefix("https://oidc.eks.us-east-1.amazonaws.com/id/X"),
        "oidc.eks.us-east-1.amazonaws.com/id/X"
    );
}
