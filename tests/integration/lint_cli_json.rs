//! `lint --format json`: every field, counts, and witnesses `check` allows.

#[allow(unused_imports, reason = "each file uses some of the shared helpers")]
use crate::lint_cli_common::*;

#[test]
fn json_report_has_every_field_and_counts() {
    let r = run(&["lint", SEED_DIR, "--format", "json"]);
    assert_eq!(r.code, 1, "{}", show(&r));
    let doc = json_of(&r);
    assert_eq!(doc["version"], 1);
    let fs = findings(&doc);
    assert!(fs.len() >= 2, "{doc:#}");
    for f in fs {
        for key in [
            "rule",
            "severity",
            "file",
            "line",
            "column",
            "pointer",
            "message",
            "witness",
            "fingerprint",
        ] {
            assert!(f.get(key).is_some(), "no `{key}` in {f:#}");
        }
        assert!(f["line"].as_u64().is_some_and(|n| n >= 1), "{f:#}");
        assert!(f["column"].as_u64().is_some_and(|n| n >= 1), "{f:#}");
        assert!(f["pointer"].as_str().is_some_and(|p| p.starts_with('/')));
        assert!(f["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let missing = the_finding(&doc, "missing-subject-condition", CONSOLE_DEFAULT);
    assert_eq!(missing["severity"], "warning");
    assert_eq!(missing["file"], CONSOLE_DEFAULT);
    assert_eq!(
        (missing["line"].as_u64(), missing["column"].as_u64()),
        (Some(7), Some(22))
    );
    assert_eq!(missing["pointer"], "/Statement/0/Principal/Federated");
    assert!(missing["witness"].is_object(), "{missing:#}");
    let ip = the_finding(&doc, "shared-ci-ip-allowlist", IP_RANGE);
    assert_eq!(ip["severity"], "note");
    assert_eq!(ip["witness"], Value::Null);
    // The summary counts the findings.
    let count = |s: &str| fs.iter().filter(|f| f["severity"] == s).count();
    assert_eq!(
        doc["summary"],
        json!({
            "errors": count("error"),
            "warnings": count("warning"),
            "notes": count("note"),
            "baselined": 0
        })
    );
    // In file order, then position.
    let keys: Vec<(String, u64, u64)> = fs
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let mut files: Vec<&String> = keys.iter().map(|k| &k.0).collect();
    files.dedup();
    let mut sorted_files = files.clone();
    sorted_files.sort();
    sorted_files.dedup();
    assert_eq!(files, sorted_files, "files are walked in sorted order");
}

#[test]
fn json_witness_of_the_console_default_is_allowed_by_check() {
    let r = run(&["lint", CONSOLE_DEFAULT, "--format", "json"]);
    assert_eq!(r.code, 1, "{}", show(&r));
    let doc = json_of(&r);
    let f = the_finding(&doc, "missing-subject-condition", CONSOLE_DEFAULT);
    let w = &f["witness"];
    for key in ["who", "principal", "claims", "source_ip"] {
        assert!(w.get(key).is_some(), "no witness `{key}` in {w:#}");
    }
    let sub = w["claims"]["sub"].as_str().expect("the witness has a sub");
    assert!(!sub.starts_with(SEED_REPOSITORY), "{sub}");
    let dir = TempDir::new().expect("temp dir");
    let claims = write(&dir, "witness.json", &w["claims"].to_string());
    let mut args = vec!["check", CONSOLE_DEFAULT, "--claims", claims.as_str()];
    let ip = w["source_ip"].as_str().map(str::to_string);
    if let Some(ip) = &ip {
        args.extend(["--source-ip", ip.as_str()]);
    }
    let allowed = run(&args);
    assert_eq!(
        allowed.code,
        0,
        "the witness is not allowed: {}",
        show(&allowed)
    );
    assert!(allowed.stdout.starts_with("Allow"), "{}", show(&allowed));
    // The policy that names the repository refuses the same token: the witness is outside it.
    let denied = run(&["check", REPOSITORY, "--claims", claims.as_str()]);
    assert_eq!(denied.code, 1, "{}", show(&denied));
}
