//! Files that are not policies, invalid JSON, missing paths, declared self-hosted instances.

#[allow(unused_imports, reason = "each file uses some of the shared helpers")]
use crate::lint_cli_common::*;

#[test]
fn a_directory_skips_json_that_is_not_a_policy() {
    let dir = TempDir::new().expect("temp dir");
    write(
        &dir,
        "package.json",
        r#"{"name": "app", "version": "1.0.0"}"#,
    );
    write(&dir, "policy.json", &text_of(CLEAN));
    let r = run(&["lint", dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", show(&r));
    assert!(!r.stdout.contains("package.json"), "{}", show(&r));
    assert!(summary_only(&r.stderr), "{}", show(&r));
    assert!(
        r.stdout.contains("0 error(s), 0 warning(s), 0 note(s)"),
        "{}",
        show(&r)
    );
}

#[test]
fn a_named_non_policy_file_is_an_invalid_policy_document() {
    let dir = TempDir::new().expect("temp dir");
    let path = write(
        &dir,
        "package.json",
        r#"{"name": "app", "version": "1.0.0"}"#,
    );
    let r = run(&["lint", path.as_str(), "--format", "json"]);
    assert_eq!(r.code, 1, "{}", show(&r));
    let doc = json_of(&r);
    let fs = findings(&doc);
    assert!(!fs.is_empty(), "{doc:#}");
    for f in fs {
        assert_eq!(f["rule"], "invalid-policy-document", "{f:#}");
        assert_eq!(f["severity"], "error", "{f:#}");
        assert_eq!(f["file"], path.as_str());
    }
    assert!(
        fs.iter().any(|f| f["message"]
            .as_str()
            .is_some_and(|m| m.contains("Statement"))),
        "{doc:#}"
    );
}

#[test]
fn invalid_json_exits_2_with_its_position() {
    let dir = TempDir::new().expect("temp dir");
    let path = write(
        &dir,
        "broken.json",
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\",,}\n  ]\n}\n",
    );
    let r = run(&["lint", path.as_str()]);
    assert_eq!(r.code, 2, "{}", show(&r));
    assert!(r.stdout.is_empty(), "{}", show(&r));
    assert!(r.stderr.contains(&format!("{path}:4:24")), "{}", show(&r));
    assert!(r.stderr.contains("invalid JSON"), "{}", show(&r));
    // The same holds inside a directory walk, and for every format.
    for format in ["json", "sarif", "github", "bitbucket"] {
        let r = run(&["lint", dir.path().to_str().unwrap(), "--format", format]);
        assert_eq!(r.code, 2, "{format}: {}", show(&r));
        // Nothing was linted, and every machine format still carries the error, located.
        let out = r.stdout.as_str();
        match format {
            "json" => {
                let e = &json_of(&r)["errors"][0];
                assert_eq!(
                    (e["line"].as_u64(), e["column"].as_u64()),
                    (Some(4), Some(24))
                );
            }
            "sarif" => {
                let region = &json_of(&r)["runs"][0]["results"][0]["locations"][0]
                    ["physicalLocation"]["region"];
                assert_eq!(
                    (region["startLine"].as_u64(), region["startColumn"].as_u64()),
                    (Some(4), Some(24))
                );
            }
            "github" => assert!(out.contains(",line=4,col=24,"), "{out}"),
            _ => assert_eq!(json_of(&r)["annotations"][0]["line"], 4, "{out}"),
        }
        assert!(
            r.stderr.contains("broken.json:4:24"),
            "{format}: {}",
            show(&r)
        );
    }
}

#[test]
fn a_missing_path_exits_2() {
    let r = run(&["lint", "corpus/policies/seed/no-such-file.json"]);
    assert_eq!(r.code, 2, "{}", show(&r));
    assert!(r.stderr.contains("no-such-file.json"), "{}", show(&r));
}

#[test]
fn a_declared_self_hosted_instance_gets_its_kind_rules() {
    let dir = TempDir::new().unwrap();
    // GitLab self-managed: unknown to the built-in profiles until declared.
    let policy = write(
        &dir,
        "gitlab.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
            "Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/gitlab.example.com"},
            "Action":"sts:AssumeRoleWithWebIdentity",
            "Condition":{"StringEquals":{"gitlab.example.com:aud":"https://gitlab.example.com"},
                         "StringLike":{"gitlab.example.com:sub":"project_path:platform/*"}}}]}"#,
    );
    let bare = json_of(&run(&["lint", &policy, "--format", "json"]));
    assert!(
        of_rule(&bare, "tenant-wide-subject").is_empty(),
        "without the declaration the grammar is unknown: {bare}"
    );
    let config = write(
        &dir,
        "rolecall.toml",
        "[[provider]]\nkind = \"gitlab\"\nissuer = \"https://gitlab.example.com\"\n",
    );
    let declared = json_of(&run(&[
        "lint", &policy, "--format", "json", "--config", &config,
    ]));
    let f = of_rule(&declared, "tenant-wide-subject");
    assert_eq!(f.len(), 1, "{declared}");
    assert_eq!(
        f[0]["severity"], "warning",
        "a self-hosted instance is one tenant"
    );
    let sub = f[0]["witness"]["claims"]["sub"].as_str().unwrap();
    assert!(sub.starts_with("project_path:platform/"), "{sub}");
    assert!(of_rule(&declared, "cross-tenant-subject").is_empty());
}
