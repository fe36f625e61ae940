//! The witnesses read off the model ([`super::model_token`]): each is admitted by the policy
//! as `check --claims` replays it, its claims agree with one identity, and where the model
//! cannot answer the finding says so instead of showing a guess.

use super::*;
use serde_json::Value;

const GITHUB: &str = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";

fn lint_text(text: &str) -> Vec<Finding> {
    let policy = crate::policy::parse(text).unwrap();
    lint(&policy, &Config::default(), "test.json")
}

/// A one-statement policy for GitHub with these condition blocks.
fn github(action: &str, conditions: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{GITHUB}"}},"Action":"{action}","Condition":{conditions}}}]}}"#
    )
}

/// `check --claims` allows the witness.
fn replays(text: &str, w: &Witness) {
    let policy = crate::policy::parse(text).unwrap();
    let report = crate::check::check(
        &policy,
        &crate::check::CheckInput {
            claims: &w.claims,
            provider: None,
            source_ip: w.source_ip,
            now: crate::timestamp::parse("2026-01-01T00:00:00Z").unwrap(),
            extra: &[],
        },
        None,
    )
    .unwrap();
    assert_eq!(report.verdict, crate::eval::Verdict::Allow, "{w:#?}");
}

fn claim<'w>(w: &'w Witness, name: &str) -> Option<&'w str> {
    w.claims.get(name).and_then(Value::as_str)
}

/// A GitHub token's claims name one repository: the `sub`'s, its owner's.
fn coherent_github(w: &Witness) {
    let sub = claim(w, "sub").unwrap();
    let repo = sub
        .strip_prefix("repo:")
        .and_then(|r| r.split(':').next())
        .unwrap();
    if let Some(r) = claim(w, "repository") {
        assert_eq!(r, repo, "{w:#?}");
    }
    if let Some(owner) = claim(w, "repository_owner") {
        assert!(repo.starts_with(&format!("{owner}/")), "{w:#?}");
    }
}

#[test]
fn a_fail_open_witness_lacks_the_claim_and_is_issued_without_it() {
    // `environment` is only in environment jobs: the witness is a branch run, whose `sub`
    // names no environment.
    let text = github(
        "sts:AssumeRoleWithWebIdentity",
        r#"{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/app:*"},"StringNotEqualsIfExists":{"token.actions.githubusercontent.com:environment":"prod"}}"#,
    );
    let findings = lint_text(&text);
    let f = findings
        .iter()
        .find(|f| f.rule == "fail-open-condition")
        .unwrap();
    let w = f.witness.as_ref().unwrap();
    assert!(!w.claims.keys().any(|k| k == "environment"), "{w:#?}");
    assert!(
        !claim(w, "sub").unwrap().contains(":environment:"),
        "{w:#?}"
    );
    coherent_github(w);
    replays(&text, w);
}

#[test]
fn a_self_tagging_witness_carries_session_tags_the_policy_admits() {
    let text = github(
        "sts:*",
        r#"{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:acme/app:ref:refs/heads/main"}}"#,
    );
    let findings = lint_text(&text);
    let f = findings
        .iter()
        .find(|f| f.rule == "wildcard-action")
        .unwrap();
    let w = f.witness.as_ref().unwrap();
    assert!(w.claims.contains_key(crate::request::TAGS_CLAIM), "{w:#?}");
    coherent_github(w);
    replays(&text, w);
}

#[test]
fn a_refused_policy_keeps_structural_findings_without_a_witness() {
    // `NumericEquals` on a token claim is outside the exact model.
    let text = github(
        "sts:AssumeRoleWithWebIdentity",
        r#"{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/*"},"StringNotEqualsIfExists":{"token.actions.githubusercontent.com:environment":"prod"},"NumericEquals":{"token.actions.githubusercontent.com:repository_id":"123"}}"#,
    );
    let findings = lint_text(&text);
    let open = findings
        .iter()
        .find(|f| f.rule == "fail-open-condition")
        .unwrap();
    assert!(open.witness.is_none(), "{open:#?}");
    assert!(
        open.message.contains("could not be confirmed") && open.message.contains("Numeric"),
        "{}",
        open.message
    );
    let undecided: Vec<_> = findings
        .iter()
        .filter(|f| f.rule == "undecided-breadth")
        .collect();
    assert_eq!(undecided.len(), 1, "{findings:#?}");
    assert_eq!(undecided[0].severity, Severity::Error);
    assert_eq!(undecided[0].loc.pointer, "/Statement/0");
    // No breadth is guessed for it.
    assert!(
        !findings.iter().any(|f| f.rule == "tenant-wide-subject"),
        "{findings:#?}"
    );
}

#[test]
fn a_template_naming_a_field_twice_is_undecided_and_says_why() {
    let text = github(
        "sts:AssumeRoleWithWebIdentity",
        r#"{"StringLike":{"token.actions.githubusercontent.com:sub":"repository_owner:acme:repository:acme/*:ref:refs/heads/main"}}"#,
    );
    let findings = lint_text(&text);
    let f = findings
        .iter()
        .find(|f| f.rule == "undecided-breadth")
        .unwrap();
    assert!(f.message.contains("names one field twice"), "{}", f.message);
}

#[test]
fn a_ref_type_witness_is_a_tag_whose_twin_branch_the_same_value_admits() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/gitlab.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com"},"StringLike":{"gitlab.com:sub":"project_path:acme/app:ref_type:*:ref:main"}}}]}"#;
    let findings = lint_text(text);
    let f = findings
        .iter()
        .find(|f| f.rule == "ref-type-wildcard")
        .unwrap();
    let w = f.witness.as_ref().unwrap();
    assert_eq!(
        claim(w, "sub"),
        Some("project_path:acme/app:ref_type:tag:ref:main"),
        "{w:#?}"
    );
    replays(text, w);
    // The twin: the branch of the same name, which the same value admits too.
    let mut twin = w.clone();
    twin.claims.insert(
        "sub".into(),
        "project_path:acme/app:ref_type:branch:ref:main".into(),
    );
    replays(text, &twin);
}

#[test]
fn an_outsider_through_a_wildcard_principal_replays() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}]}"#;
    let findings = lint_text(text);
    let f = findings
        .iter()
        .find(|f| f.rule == "wildcard-principal")
        .unwrap();
    let w = f.witness.as_ref().unwrap();
    assert!(w.who.contains("of owner"), "{}", w.who);
    coherent_github(w);
    replays(text, w);
}

#[test]
fn an_undecided_self_tagging_witness_keeps_the_rule_severity() {
    // Without an answer the finding is not downgraded to a note: that would be a guess.
    let text = github(
        "sts:*",
        r#"{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:acme/app:ref:refs/heads/main"},"NumericEquals":{"token.actions.githubusercontent.com:repository_id":"123"}}"#,
    );
    let findings = lint_text(&text);
    let f = findings
        .iter()
        .find(|f| f.rule == "wildcard-action")
        .unwrap();
    assert_eq!(f.severity, rules::wildcard_action::RULE.severity, "{f:#?}");
    assert!(f.witness.is_none());
    assert!(
        f.message.contains("could not be confirmed"),
        "{}",
        f.message
    );
}
