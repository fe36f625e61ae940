//! IAM API input: `get-role` output and account dumps, linted per role.

#[allow(unused_imports, reason = "each file uses some of the shared helpers")]
use crate::lint_cli_common::*;

#[test]
fn get_role_output_is_linted_with_the_role_name() {
    let dir = TempDir::new().expect("temp dir");
    let path = write_get_role(&dir);
    let text = run(&["lint", path.as_str()]);
    assert_eq!(text.code, 1, "{}", show(&text));
    assert!(text.stdout.contains("(role deploy)"), "{}", show(&text));
    assert!(
        text.stdout.contains("rolecall::missing-subject-condition"),
        "{}",
        show(&text)
    );

    let r = run(&["lint", path.as_str(), "--format", "json"]);
    assert_eq!(r.code, 1, "{}", show(&r));
    let doc = json_of(&r);
    let f = the_finding(&doc, "missing-subject-condition", &path);
    assert_eq!(f["role"], "deploy");
    assert_eq!(
        f["pointer"],
        "/Role/AssumeRolePolicyDocument/Statement/0/Principal/Federated"
    );
    // Located at the encoded string in the file (line 3 of the pretty-printed object).
    let line = f["line"].as_u64().expect("line");
    let file_text = std::fs::read_to_string(&path).unwrap();
    let string_line = file_text
        .lines()
        .position(|l| l.contains("\"AssumeRolePolicyDocument\""))
        .expect("the member is in the file") as u64
        + 1;
    assert_eq!(line, string_line);
    assert!(f["witness"].is_object(), "{f:#}");
}

#[test]
fn account_dump_reports_per_role() {
    let dir = TempDir::new().expect("temp dir");
    let role = |name: &str, doc: Value| {
        json!({
            "RoleName": name,
            "Arn": format!("arn:aws:iam::123456789012:role/{name}"),
            "AssumeRolePolicyDocument": doc,
        })
    };
    let dump = json!({
        "UserDetailList": [],
        "GroupDetailList": [],
        "RoleDetailList": [
            role("console", json!(url_encode(&text_of(CONSOLE_DEFAULT)))),
            role("scoped", policy_json(REPOSITORY)),
            role("ip-listed", policy_json(IP_RANGE)),
        ],
        "Policies": []
    });
    let path = write(
        &dir,
        "account.json",
        &serde_json::to_string_pretty(&dump).unwrap(),
    );
    let r = run(&["lint", path.as_str(), "--format", "json"]);
    assert_eq!(r.code, 1, "{}", show(&r));
    let doc = json_of(&r);
    let of_role = |role: &str| -> Vec<&Value> {
        findings(&doc)
            .iter()
            .filter(|f| f["role"] == role)
            .collect()
    };
    let console = of_role("console");
    assert!(
        console.iter().any(|f| f["rule"] == "missing-subject-condition"
            && f["pointer"] == "/RoleDetailList/0/AssumeRolePolicyDocument/Statement/0/Principal/Federated"),
        "{doc:#}"
    );
    let ip = of_role("ip-listed");
    assert!(
        ip.iter().any(|f| f["rule"] == "shared-ci-ip-allowlist"
            && f["pointer"] == "/RoleDetailList/2/AssumeRolePolicyDocument/Statement/0/Condition/IpAddress/aws:SourceIp"),
        "{doc:#}"
    );
    assert!(of_role("scoped").iter().all(|f| !serious(f)), "{doc:#}");
    for f in findings(&doc) {
        assert!(f["role"].is_string(), "every finding names its role: {f:#}");
        let i = match f["role"].as_str() {
            Some("console") => 0,
            Some("scoped") => 1,
            _ => 2,
        };
        let prefix = format!("/RoleDetailList/{i}/AssumeRolePolicyDocument");
        assert!(
            f["pointer"]
                .as_str()
                .is_some_and(|p| p.starts_with(&prefix)),
            "{f:#}"
        );
    }
    let text = run(&["lint", path.as_str()]);
    assert!(text.stdout.contains("(role console)"), "{}", show(&text));
    assert!(text.stdout.contains("(role ip-listed)"), "{}", show(&text));
}
