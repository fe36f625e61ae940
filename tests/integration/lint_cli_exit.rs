//! `lint` exit codes and the text format over the seed policies.

#[allow(unused_imports, reason = "each file uses some of the shared helpers")]
use crate::lint_cli_common::*;

#[test]
fn seed_directory_warns_on_the_console_default_and_notes_the_ip_list() {
    let r = run(&["lint", SEED_DIR]);
    assert_eq!(r.code, 1, "{}", show(&r));
    let out = &r.stdout;
    assert!(
        out.contains("rolecall::missing-subject-condition"),
        "{}",
        show(&r)
    );
    assert!(
        out.contains(&format!("{CONSOLE_DEFAULT}:7:22")),
        "{}",
        show(&r)
    );
    // The witness is a token from another repository than the one the seed policies name.
    let witnesses: Vec<&str> = out
        .lines()
        .filter(|l| l.trim_start().starts_with("witness:"))
        .collect();
    assert_eq!(witnesses.len(), 1, "{}", show(&r));
    assert!(
        witnesses[0].contains("from repository `{"),
        "{}",
        witnesses[0]
    );
    assert!(!witnesses[0].contains(SEED_REPOSITORY), "{}", witnesses[0]);
    assert!(
        out.contains(&format!(
            "reproduce: rolecall check {CONSOLE_DEFAULT} --claims witness.json"
        )),
        "{}",
        show(&r)
    );
    assert!(
        out.contains("rolecall::shared-ci-ip-allowlist"),
        "{}",
        show(&r)
    );
    assert!(out.contains(&format!("{IP_RANGE}:15:27")), "{}", show(&r));

    let doc = json_of(&run(&["lint", SEED_DIR, "--format", "json"]));
    let missing = the_finding(&doc, "missing-subject-condition", CONSOLE_DEFAULT);
    assert_eq!(missing["severity"], "warning");
    let ip = the_finding(&doc, "shared-ci-ip-allowlist", IP_RANGE);
    assert_eq!(ip["severity"], "note");
    // Nothing that matters for the policies that name the repository (or its environment).
    for f in findings(&doc) {
        if f["file"] == REPOSITORY || f["file"] == ENVIRONMENT {
            assert!(!serious(f), "{f:#}");
        }
    }
    // The only warning is the console default's; there is no error.
    assert_eq!(doc["summary"]["errors"], 0, "{doc:#}");
    assert_eq!(doc["summary"]["warnings"], 1, "{doc:#}");
    assert!(
        out.ends_with(&format!("{}\n", summary_line(&doc))),
        "{}",
        show(&r)
    );
}

#[test]
fn fail_on_error_passes_a_run_with_only_warnings_and_notes() {
    let r = run(&["lint", SEED_DIR, "--fail-on", "error"]);
    assert_eq!(r.code, 0, "{}", show(&r));
    // The findings are still reported.
    assert!(
        r.stdout.contains("rolecall::missing-subject-condition"),
        "{}",
        show(&r)
    );
    assert!(
        r.stdout.contains("0 error(s), 1 warning(s)"),
        "{}",
        show(&r)
    );
}

#[test]
fn fail_on_note_fails_on_the_ip_list() {
    let r = run(&["lint", IP_RANGE]);
    assert_eq!(r.code, 0, "a note does not fail by default: {}", show(&r));
    let r = run(&["lint", IP_RANGE, "--fail-on", "note"]);
    assert_eq!(r.code, 1, "{}", show(&r));
}

#[test]
fn scoped_policies_pass() {
    for file in [REPOSITORY, ENVIRONMENT] {
        let r = run(&["lint", file]);
        assert_eq!(r.code, 0, "{file}: {}", show(&r));
        assert!(
            r.stdout.contains("0 error(s), 0 warning(s), "),
            "{file}: {}",
            show(&r)
        );
        assert!(!r.stdout.contains("witness:"), "{file}: {}", show(&r));
        assert!(summary_only(&r.stderr), "{file}: {}", show(&r));
    }
}

#[test]
fn a_clean_policy_has_no_finding_at_all() {
    let r = run(&["lint", CLEAN]);
    assert_eq!(r.code, 0, "{}", show(&r));
    assert_eq!(r.stdout, "0 error(s), 0 warning(s), 0 note(s)\n");
    assert!(summary_only(&r.stderr), "{}", show(&r));
    let r = run(&["lint", CLEAN, "--fail-on", "note", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", show(&r));
    assert!(findings(&json_of(&r)).is_empty());
}
