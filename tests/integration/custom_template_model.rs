//! GitHub custom subject templates on the exact model: `who`, `diff` and lint's breadth see
//! the template's tokens, each witness's claims agree with each other, and what one policy
//! infers does not depend on what was linted before it.

use rolecall::lint::{self, Config};
use rolecall::model::{self, Options};
use serde_json::Value;

use crate::common;

const GH: &str = "token.actions.githubusercontent.com";

fn policy(sub: &str) -> String {
    format!(
        r#"{{
  "Version": "2012-10-17",
  "Statement": [{{
    "Effect": "Allow",
    "Principal": {{"Federated": "arn:aws:iam::123456789012:oidc-provider/{GH}"}},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {{
      "StringEquals": {{"{GH}:aud": "sts.amazonaws.com", "{GH}:sub": "{sub}"}}
    }}
  }}]
}}"#
    )
}

fn parsed(sub: &str) -> rolecall::policy::Policy {
    rolecall::policy::parse(&policy(sub)).unwrap()
}

fn text<'a>(claims: &'a serde_json::Map<String, Value>, k: &str) -> &'a str {
    claims.get(k).and_then(Value::as_str).unwrap_or("")
}

/// Every admitted token under the template `repository_owner`, `context` renders its `sub`
/// from its own owner and ref, and some of them are of another repository of the owner.
#[test]
fn owner_template_witnesses_are_coherent_and_reach_other_repositories() {
    let p = parsed("repository_owner:acme:ref:refs/heads/main");
    let opts = Options {
        templates: vec![(
            GH.into(),
            vec![vec!["repository_owner".into(), "context".into()]],
        )],
        ..Options::default()
    };
    let mut repos: Vec<String> = Vec::new();
    model::admitted(&p, &opts, |sight| {
        let w = sight.witness(&[]);
        let c = &w.claims;
        assert_eq!(
            text(c, "sub"),
            format!(
                "repository_owner:{}:ref:{}",
                text(c, "repository_owner"),
                text(c, "ref")
            ),
            "{}",
            w.form
        );
        assert!(text(c, "repository").starts_with("acme/"), "{c:?}");
        // Under the fresh repository, the witness is another repository of acme.
        let repo = sight
            .form
            .fields
            .iter()
            .position(|f| f.name == "repo")
            .unwrap();
        let other = sight.witness(&[repo]);
        repos.push(text(&other.claims, "repository").to_string());
    })
    .unwrap();
    assert!(
        repos
            .iter()
            .any(|r| r.starts_with("acme/") && r != "acme/app"),
        "{repos:?}"
    );
}

/// A template led by `job_workflow_ref`, pinned only on that claim: callers of any owner run
/// that workflow, and the witness's `sub` is its own `job_workflow_ref`.
#[test]
fn workflow_template_admits_other_owners_with_coherent_claims() {
    let pinned = "job_workflow_ref:acme/deploy/.github/workflows/deploy.yml@refs/heads/main";
    let p = parsed(pinned);
    let mut owners: Vec<String> = Vec::new();
    model::admitted(&p, &Options::default(), |sight| {
        let owner = sight
            .form
            .fields
            .iter()
            .position(|f| f.name == "owner")
            .unwrap();
        let w = sight.witness(&[owner]);
        assert_eq!(
            text(&w.claims, "sub"),
            format!("job_workflow_ref:{}", text(&w.claims, "job_workflow_ref"))
        );
        owners.push(text(&w.claims, "repository_owner").to_string());
    })
    .unwrap();
    assert!(owners.iter().any(|o| o != "acme"), "{owners:?}");
    let findings = lint::lint(&p, &Config::default(), "p.json");
    let cross = findings
        .iter()
        .find(|f| f.rule == "cross-tenant-subject")
        .unwrap_or_else(|| panic!("{findings:#?}"));
    let w = cross.witness.as_ref().unwrap();
    assert_eq!(text(&w.claims, "sub"), pinned);
    assert!(w.who.contains("-custom-job_workflow_ref"), "{}", w.who);
}

/// The findings of a policy whose `sub` is written for a template do not depend on how many
/// other templates were linted before (a capped process-wide cache once dropped them).
#[test]
fn many_inferred_templates_do_not_change_the_last_policys_findings() {
    let sub = |i: usize| format!("repo_property_p{i}:x:repository_owner:acme");
    let summary = |fs: Vec<lint::Finding>| -> Vec<(String, String)> {
        fs.into_iter()
            .map(|f| (f.rule.to_string(), f.message))
            .collect()
    };
    let config = Config::default();
    let last = 300;
    for i in 0..last {
        lint::lint(&parsed(&sub(i)), &config, "p.json");
    }
    let after_many = summary(lint::lint(&parsed(&sub(last)), &config, "p.json"));
    // The same template again in a fresh process would be what linting it alone gives; in
    // this one, compare with a template of the same shape linted first of its kind.
    let alone = summary(lint::lint(&parsed(&sub(0)), &config, "p.json"));
    let renamed: Vec<(String, String)> = alone
        .into_iter()
        .map(|(r, m)| (r, m.replace("p0", &format!("p{last}"))))
        .collect();
    assert_eq!(after_many, renamed);
    assert!(
        after_many.iter().any(|(r, _)| r == "tenant-wide-subject"),
        "{after_many:?}"
    );
}

#[test]
fn who_and_diff_see_a_templated_policy() {
    let dir = tempfile::tempdir().unwrap();
    let head = dir.path().join("head.json");
    let base = dir.path().join("base.json");
    std::fs::write(&head, policy("repository_owner:acme:ref:refs/heads/main")).unwrap();
    std::fs::write(&base, policy("repo:acme/app:ref:refs/heads/main")).unwrap();
    let (head, base) = (head.to_str().unwrap(), base.to_str().unwrap());
    let who = common::rolecall(&["who", head], None);
    assert_eq!(who.code, 0, "{}", who.stderr);
    assert!(
        who.stdout
            .contains("under the subject template `repository_owner`, `ref`"),
        "{}",
        who.stdout
    );
    assert!(
        who.stdout
            .contains(r#""sub":"repository_owner:acme:ref:refs/heads/main""#),
        "{}",
        who.stdout
    );
    let diff = common::rolecall(&["diff", base, head], None);
    assert_eq!(diff.code, 1, "{}\n{}", diff.stdout, diff.stderr);
    assert!(diff.stdout.contains("HEAD also admits"), "{}", diff.stdout);
    assert!(diff.stdout.contains("subject template"), "{}", diff.stdout);
}

/// The same for templates the model cannot render (the owner twice: `repository_owner` and
/// `repository`): the last policy is undecided exactly as it is alone.
#[test]
fn many_refused_templates_do_not_change_the_last_policys_findings() {
    let like = |i: usize| {
        let sub = format!("repo_property_q{i}:x:repository_owner:acme:repository:acme/*");
        let text = policy(&sub).replace(
            &format!(r#", "{GH}:sub""#),
            &format!(r#"}}, "StringLike": {{"{GH}:sub""#),
        );
        rolecall::policy::parse(&text).unwrap()
    };
    let config = Config::default();
    let last = 300;
    for i in 0..last {
        lint::lint(&like(i), &config, "p.json");
    }
    let findings = lint::lint(&like(last), &config, "p.json");
    let rules: Vec<&str> = findings.iter().map(|f| f.rule).collect();
    assert!(rules.contains(&"undecided-breadth"), "{findings:#?}");
    assert!(!rules.contains(&"tenant-wide-subject"), "{findings:#?}");
}
