//! Lint's answers about who a policy admits are memoized per document across the process:
//! the key must hold everything the answer depends on, the configuration included.

use rolecall::lint::{self, Config};

const POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"},
  "Action": "sts:AssumeRoleWithWebIdentity",
  "Condition": {"StringEquals": {"gitlab.example.com:aud": "https://gitlab.example.com"},
                "StringLike": {"gitlab.example.com:sub": "project_path:platform*"}}}]}"#;

fn rules(config: &Config) -> Vec<&'static str> {
    let policy = rolecall::policy::parse(POLICY).unwrap();
    lint::lint(&policy, config, "p.json")
        .iter()
        .map(|f| f.rule)
        .collect()
}

#[test]
fn one_document_under_two_configurations_gets_each_ones_answer() {
    let declared = lint::config_file::parse(
        "[[provider]]\nkind = \"gitlab\"\nissuer = \"gitlab.example.com\"\n",
        |id| lint::rule(id).is_some(),
    )
    .unwrap();
    let plain = Config::default();
    // Undeclared, the issuer is no provider rolecall knows: no breadth to judge.
    let before = rules(&plain);
    assert!(!before.contains(&"tenant-wide-subject"), "{before:?}");
    // Declared a self-managed GitLab, the same document is tenant-wide...
    let with = rules(&declared);
    assert!(with.contains(&"tenant-wide-subject"), "{with:?}");
    // ...and undeclared again it is not: neither answer is the other's memo.
    assert_eq!(rules(&plain), before);
    assert_eq!(rules(&declared), with);
}
