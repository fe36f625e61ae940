//! Which providers the model answers for: declared instances of hand-written kinds and GitHub
//! custom templates included, templates it cannot render refused.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::{answer, covers, Answer};
use crate::lint::{config_file, Config, LintContext};

fn policy(prefix: &str, sub: &str) -> crate::policy::Policy {
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
          "Principal": {{"Federated": "arn:aws:iam::123456789012:oidc-provider/{prefix}"}},
          "Action": "sts:AssumeRoleWithWebIdentity",
          "Condition": {{"StringEquals": {{"{prefix}:aud": "sts.amazonaws.com"}},
                         "StringLike": {{"{prefix}:sub": "{sub}"}}}}}}]}}"#
    );
    crate::policy::parse(&text).unwrap()
}

fn covered(prefix: &str, sub: &str, config: &Config) -> bool {
    let p = policy(prefix, sub);
    let ctx = LintContext::new(&p, config, "p.json");
    let view = &ctx.statements[0];
    covers(view, &view.providers[0])
}

const GH: &str = "token.actions.githubusercontent.com";
const GHES: &str = "ghes.example.com/_services/token";

#[test]
fn a_declared_enterprise_server_is_on_the_github_model() {
    let config = config_file::parse(
        &format!("[[provider]]\nkind = \"github\"\nissuer = \"{GHES}\"\n"),
        |_| true,
    )
    .unwrap();
    assert!(covered(GHES, "repo:acme/*:ref:refs/heads/main", &config));
    let p = policy(GHES, "repo:acme/*:ref:refs/heads/main");
    let ctx = LintContext::new(&p, &config, "p.json");
    let Some(found) = answer(&ctx, 0) else {
        panic!("no answer");
    };
    let Answer::Decided(facts) = &*found else {
        panic!("refused");
    };
    let f = facts.values().next().unwrap();
    let w = f.other_project.witness.as_ref().unwrap();
    let sub = w.claims["sub"].as_str().unwrap();
    assert!(sub.starts_with("repo:acme/") && sub != "repo:acme/app:ref:refs/heads/main");
    assert_eq!(w.claims["iss"], format!("https://{GHES}"));
}

#[test]
fn templated_github_statements_are_on_the_model_unless_a_field_repeats() {
    let none = Config::default();
    assert!(covered(
        GH,
        "repository_owner:acme:ref:refs/heads/main",
        &none
    ));
    assert!(covered(GH, "workflow:Deploy*", &none));
    // `repository_owner`, then `repo` (the attacker's own template after a wildcard) names
    // the owner twice: not covered, so the statement is undecided unless the model finds a
    // breach without that template.
    assert!(!covered(GH, "repository_owner:acme:*", &none));
}
