//! GitHub custom subject templates declared in `rolecall.toml` (`include_claim_keys`): the
//! template's grammar yields witnesses, and a template where GitHub has none is refused.

use serde_json::Value;
use tempfile::TempDir;

use crate::common::{self, Run};

/// Every repository of `acme` that builds `main`, under the template
/// `repository_owner`, `repository`, `ref`.
const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {
      "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
      "StringLike": {"token.actions.githubusercontent.com:sub": "repository_owner:acme:repository:acme/*:ref:refs/heads/main"}
    }
  }]
}"#;

fn setup(config: &str) -> (TempDir, String, String) {
    let dir = TempDir::new().unwrap();
    let policy = dir.path().join("policy.json");
    std::fs::write(&policy, POLICY).unwrap();
    let toml = dir.path().join("rolecall.toml");
    std::fs::write(&toml, config).unwrap();
    (
        dir,
        policy.to_str().unwrap().to_string(),
        toml.to_str().unwrap().to_string(),
    )
}

fn lint(policy: &str, config: &str) -> Run {
    common::rolecall(
        &["lint", policy, "--config", config, "--format", "json"],
        None,
    )
}

#[test]
fn a_declared_template_gives_a_witness_check_admits() {
    let (dir, policy, toml) = setup(
        "[[provider]]\nkind = \"github\"\nissuer = \"token.actions.githubusercontent.com\"\n\
         include_claim_keys = [\"repository\", \"ref\"]\n",
    );
    std::fs::write(
        &policy,
        POLICY.replace(
            "repository_owner:acme:repository:acme/*:ref:refs/heads/main",
            "repository:acme/*:ref:refs/heads/main",
        ),
    )
    .unwrap();
    let r = lint(&policy, &toml);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    let finding = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "tenant-wide-subject")
        .unwrap_or_else(|| panic!("a tenant-wide finding: {doc:#}"));
    let claims = &finding["witness"]["claims"];
    let sub = claims["sub"].as_str().unwrap();
    assert!(
        sub.starts_with("repository:acme/") && sub.ends_with(":ref:refs/heads/main"),
        "{sub}"
    );
    assert_ne!(sub, "repository:acme/app:ref:refs/heads/main");

    // The witness is a token the policy admits: `check` says Allow.
    let witness = dir.path().join("witness.json");
    std::fs::write(&witness, claims.to_string()).unwrap();
    let check = common::rolecall(
        &["check", &policy, "--claims", witness.to_str().unwrap()],
        None,
    );
    assert_eq!(check.code, 0, "{}\n{}", check.stdout, check.stderr);
    // Undeclared, the template is read off the policy's own value: the same finding.
    let (_d, policy, toml) = setup("");
    std::fs::write(
        &policy,
        POLICY.replace(
            "repository_owner:acme:repository:acme/*:ref:refs/heads/main",
            "repository:acme/*:ref:refs/heads/main",
        ),
    )
    .unwrap();
    let r = lint(&policy, &toml);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("tenant-wide-subject"), "{}", r.stdout);
    // Read off the value, `*` could also stand for a template naming the owner twice, which
    // the model cannot render: the tenant-wide breach it found is not known to be the widest.
    assert!(r.stdout.contains("undecided-breadth"), "{}", r.stdout);
}

/// `repository_owner` with `repository` renders the owner twice in one `sub`, which the model's
/// field search cannot read: the statement is undecided, and says why, instead of guessed.
#[test]
fn a_template_naming_the_owner_twice_is_undecided() {
    let (_dir, policy, toml) = setup(
        "[[provider]]\nkind = \"github\"\nissuer = \"token.actions.githubusercontent.com\"\n\
         include_claim_keys = [\"repository_owner\", \"repository\", \"ref\"]\n",
    );
    let r = lint(&policy, &toml);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    let rules: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(rules.contains(&"undecided-breadth"), "{doc:#}");
    assert!(!rules.contains(&"tenant-wide-subject"), "{doc:#}");
    assert!(r.stdout.contains("names one field twice"), "{}", r.stdout);
}

#[test]
fn a_template_led_by_a_claim_anyone_chooses_admits_other_owners() {
    // `workflow` is free text any repository sets: any owner's template `workflow` (or
    // `workflow`, `repo`) matches. The model's witness is the shorter template's token.
    let (_dir, policy, toml) = setup("");
    std::fs::write(
        &policy,
        POLICY.replace(
            "repository_owner:acme:repository:acme/*:ref:refs/heads/main",
            "workflow:Deploy*",
        ),
    )
    .unwrap();
    let r = lint(&policy, &toml);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    let finding = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "cross-tenant-subject")
        .unwrap_or_else(|| panic!("a cross-tenant finding: {doc:#}"));
    let sub = finding["witness"]["claims"]["sub"].as_str().unwrap();
    assert!(sub.starts_with("workflow:Deploy"), "{sub}");
    assert!(!sub.contains("repo:acme/"), "{sub}");
    assert!(
        finding["witness"]["who"]
            .as_str()
            .is_some_and(|w| w.contains("-custom-workflow")),
        "{finding:#}"
    );
}

#[test]
fn a_template_github_does_not_have_is_refused() {
    for (config, says) in [
        (
            "[[provider]]\nkind = \"gitlab\"\nissuer = \"gitlab.example.com\"\ninclude_claim_keys = [\"project_path\"]\n",
            "GitHub Actions template",
        ),
        (
            "[[provider]]\nkind = \"github\"\nissuer = \"token.actions.githubusercontent.com\"\ninclude_claim_keys = []\n",
            "empty",
        ),
        (
            "[[provider]]\nkind = \"github\"\nissuer = \"token.actions.githubusercontent.com\"\ninclude_claim_keys = [\"context\", \"context\", \"context\", \"ref\", \"ref\"]\n",
            "more than",
        ),
    ] {
        let (_dir, policy, toml) = setup(config);
        let r = lint(&policy, &toml);
        assert_eq!(r.code, 2, "{config}\n{}", r.stderr);
        assert!(r.stderr.contains(says), "{config}\n{}", r.stderr);
        assert!(r.stdout.is_empty());
    }
}
