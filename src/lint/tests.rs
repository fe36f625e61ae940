use super::*;

fn lint_text(text: &str) -> Vec<Finding> {
    let policy = crate::policy::parse(text).unwrap();
    lint(&policy, &Config::default(), "test.json")
}

fn seed(name: &str) -> String {
    let path = format!("{}/corpus/policies/seed/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn console_default_policy_admits_any_repository_of_the_workspace() {
    let findings = lint_text(&seed("policy-console-default.json"));
    let f: Vec<_> = findings
        .iter()
        .filter(|f| f.rule == "missing-subject-condition")
        .collect();
    assert_eq!(f.len(), 1, "{findings:#?}");
    assert_eq!(f[0].severity, Severity::Warning);
    let w = f[0].witness.as_ref().unwrap();
    let sub = w.claims["sub"].as_str().unwrap();
    assert!(
        !sub.starts_with("{1de489be"),
        "witness must be another repository: {sub}"
    );
}

#[test]
fn scoped_seed_policies_have_no_error_or_warning() {
    for name in ["policy-repository.json", "policy-environment.json"] {
        let findings = lint_text(&seed(name));
        let loud: Vec<_> = findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .collect();
        assert!(loud.is_empty(), "{name}: {loud:#?}");
    }
}

#[test]
fn ip_policy_gets_a_shared_ip_note() {
    let findings = lint_text(&seed("policy-ip-range.json"));
    assert!(findings
        .iter()
        .any(|f| f.rule == "shared-ci-ip-allowlist" && f.severity == Severity::Note));
    assert!(
        findings.iter().all(|f| f.severity == Severity::Note),
        "{findings:#?}"
    );
}

#[test]
fn look_alike_owner_is_an_error_with_a_look_alike_witness() {
    let text = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme*"}}}}"#;
    let findings = lint_text(text);
    let f = findings
        .iter()
        .find(|f| f.rule == "cross-tenant-subject")
        .unwrap();
    assert_eq!(f.severity, Severity::Error);
    let sub = f.witness.as_ref().unwrap().claims["sub"].as_str().unwrap();
    assert!(
        sub.starts_with("repo:acme") && !sub.starts_with("repo:acme/"),
        "{sub}"
    );
}
