//! `lint --format github` and `--format bitbucket`: workflow commands and Code Insights payloads.

#[allow(unused_imports, reason = "each file uses some of the shared helpers")]
use crate::lint_cli_common::*;

fn workflow_command() -> Regex {
    // Properties: no raw `,` `:` `%` (other than escapes) or line breaks; data: no line breaks.
    let prop = r"(?:[^,:%\r\n]|%25|%0D|%0A|%3A|%2C)+";
    Regex::new(&format!(
        r"^::(error|warning|notice) file=({prop}),line=(\d+),col=(\d+),endLine=(\d+),endColumn=(\d+),title=({prop})::((?:[^%\r\n]|%25|%0D|%0A)*)$"
    ))
    .expect("regex")
}

#[test]
fn github_lines_are_workflow_commands() {
    let r = run(&["lint", SEED_DIR, "--format", "github"]);
    assert_eq!(r.code, 1, "{}", show(&r));
    let grammar = workflow_command();
    let lines: Vec<&str> = r.stdout.lines().collect();
    let doc = json_of(&run(&["lint", SEED_DIR, "--format", "json"]));
    assert_eq!(lines.len(), findings(&doc).len(), "{}", show(&r));
    for (line, f) in lines.iter().zip(findings(&doc)) {
        let c = grammar
            .captures(line)
            .unwrap_or_else(|| panic!("not a workflow command: {line}"));
        let level = match f["severity"].as_str() {
            Some("note") => "notice",
            other => other.unwrap_or(""),
        };
        assert_eq!(&c[1], level, "{line}");
        assert_eq!(&c[2], f["file"].as_str().unwrap_or(""), "{line}");
        assert_eq!(c[3].parse::<u64>().ok(), f["line"].as_u64(), "{line}");
        assert_eq!(c[4].parse::<u64>().ok(), f["column"].as_u64(), "{line}");
        assert_eq!(&c[7], f["rule"].as_str().unwrap_or(""), "{line}");
        let (start, end) = (c[3].parse::<u32>().unwrap(), c[5].parse::<u32>().unwrap());
        assert!(start <= end, "{line}");
    }
    let find = |rule: &str, file: &str| {
        lines
            .iter()
            .filter_map(|l| grammar.captures(l))
            .find(|c| &c[7] == rule && &c[2] == file)
            .unwrap_or_else(|| panic!("no {rule} line for {file}:\n{}", r.stdout))
    };
    let warning = find("missing-subject-condition", CONSOLE_DEFAULT);
    assert_eq!(&warning[1], "warning");
    assert_eq!(&warning[2], CONSOLE_DEFAULT);
    assert_eq!((&warning[3], &warning[4]), ("7", "22"));
    assert_eq!(&warning[7], "missing-subject-condition");
    // The witness follows the message on its own (escaped) line.
    let message = &warning[8];
    assert!(
        message.contains("%0Awitness: a `step` token from repository `{"),
        "{message}"
    );
    assert!(!message.contains(SEED_REPOSITORY), "{message}");
    let notice = find("shared-ci-ip-allowlist", IP_RANGE);
    assert_eq!(&notice[1], "notice");
    assert_eq!(&notice[2], IP_RANGE);
    assert_eq!(&notice[7], "shared-ci-ip-allowlist");
}

#[test]
fn github_escapes_properties_and_data() {
    let dir = TempDir::new().expect("temp dir");
    let path = write(&dir, "a,b:c%d.json", &text_of(CONSOLE_DEFAULT));
    let r = run(&["lint", path.as_str(), "--format", "github"]);
    assert_eq!(r.code, 1, "{}", show(&r));
    let line = r.stdout.lines().next().expect("one line");
    assert!(workflow_command().is_match(line), "{line}");
    assert!(line.contains("a%2Cb%3Ac%25d.json,line=7,"), "{line}");
    // `:` is not escaped in the message.
    assert!(
        line.contains("::any pipeline in the workspace can assume this role: "),
        "{line}"
    );
}

#[test]
fn github_is_empty_for_a_clean_file() {
    let r = run(&["lint", CLEAN, "--format", "github"]);
    assert_eq!(r.code, 0, "{}", show(&r));
    assert_eq!(r.stdout, "");
}

// --- bitbucket ------------------------------------------------------------------------------

#[test]
fn bitbucket_payload_has_a_failed_report_and_annotations() {
    let r = run(&["lint", SEED_DIR, "--format", "bitbucket"]);
    assert_eq!(r.code, 1, "{}", show(&r));
    let doc = json_of(&r);
    let obj = doc.as_object().expect("an object");
    assert_eq!(
        obj.keys().map(String::as_str).collect::<Vec<_>>(),
        ["annotations", "report"]
    );
    let report = &doc["report"];
    assert_eq!(report["title"], "rolecall");
    assert_eq!(report["report_type"], "SECURITY");
    assert_eq!(report["reporter"], "rolecall");
    assert_eq!(report["result"], "FAILED");
    assert!(report["details"].as_str().is_some_and(|d| !d.is_empty()));
    let json_doc = json_of(&run(&["lint", SEED_DIR, "--format", "json"]));
    let summary = &json_doc["summary"];
    assert_eq!(
        report["data"],
        json!([
            {"title": "Errors", "type": "NUMBER", "value": summary["errors"]},
            {"title": "Warnings", "type": "NUMBER", "value": summary["warnings"]},
            {"title": "Notes", "type": "NUMBER", "value": summary["notes"]},
            {"title": "File errors", "type": "NUMBER", "value": 0},
        ])
    );
    let annotations = doc["annotations"].as_array().expect("annotations");
    assert_eq!(annotations.len(), findings(&json_doc).len());
    let id = Regex::new(r"^rolecall-[0-9a-f]{16}$").expect("regex");
    let mut ids = BTreeSet::new();
    for a in annotations {
        let external = a["external_id"].as_str().expect("external_id");
        assert!(id.is_match(external), "{external}");
        assert!(ids.insert(external.to_string()), "duplicate {external}");
        let summary = a["summary"].as_str().expect("summary");
        assert!(
            !summary.is_empty() && summary.chars().count() <= 450,
            "{summary}"
        );
        assert!(
            a["details"].as_str().is_some_and(|d| !d.is_empty()),
            "{a:#}"
        );
        assert!(a["line"].as_u64().is_some_and(|l| l >= 1), "{a:#}");
        let severity = a["severity"].as_str().unwrap_or("");
        assert!(["HIGH", "MEDIUM", "LOW"].contains(&severity), "{a:#}");
        let kind = a["annotation_type"].as_str().unwrap_or("");
        assert!(["VULNERABILITY", "CODE_SMELL"].contains(&kind), "{a:#}");
    }
    let find = |rule: &str, path: &str| {
        annotations
            .iter()
            .find(|a| {
                a["path"] == path
                    && a["summary"]
                        .as_str()
                        .is_some_and(|s| s.starts_with(&format!("{rule}: ")))
            })
            .unwrap_or_else(|| panic!("no {rule} annotation for {path}: {doc:#}"))
    };
    let missing = find("missing-subject-condition", CONSOLE_DEFAULT);
    let ip = find("shared-ci-ip-allowlist", IP_RANGE);
    assert_eq!(missing["annotation_type"], "VULNERABILITY");
    assert_eq!(missing["severity"], "MEDIUM");
    assert_eq!(missing["path"], CONSOLE_DEFAULT);
    assert_eq!(missing["line"], 7);
    assert!(missing["details"]
        .as_str()
        .is_some_and(|d| d.contains("Witness: a `step` token from repository")));
    assert_eq!(ip["annotation_type"], "CODE_SMELL");
    assert_eq!(ip["severity"], "LOW");
    assert_eq!(ip["path"], IP_RANGE);
    assert_eq!(ip["line"], 15);
    // Stable across runs, so a re-run updates the same annotations.
    let again = json_of(&run(&["lint", SEED_DIR, "--format", "bitbucket"]));
    assert_eq!(again["annotations"], doc["annotations"]);
}

#[test]
fn bitbucket_report_passes_with_only_notes_and_when_clean() {
    let r = run(&["lint", IP_RANGE, "--format", "bitbucket"]);
    assert_eq!(r.code, 0, "{}", show(&r));
    let doc = json_of(&r);
    assert_eq!(doc["report"]["result"], "PASSED");
    assert_eq!(doc["report"]["data"][0]["value"], 0);
    assert_eq!(doc["report"]["data"][1]["value"], 0);
    let annotations = doc["annotations"].as_array().expect("annotations");
    assert!(!annotations.is_empty(), "{doc:#}");
    assert!(
        annotations.iter().all(|a| a["severity"] == "LOW"),
        "{doc:#}"
    );
    let r = run(&["lint", CLEAN, "--format", "bitbucket"]);
    assert_eq!(r.code, 0, "{}", show(&r));
    let doc = json_of(&r);
    assert_eq!(doc["report"]["result"], "PASSED");
    assert_eq!(doc["annotations"], json!([]));
}

#[test]
fn bitbucket_error_severity_is_high() {
    let dir = TempDir::new().expect("temp dir");
    let path = write(&dir, "github.json", &github_audience_only());
    let r = run(&["lint", path.as_str(), "--format", "bitbucket"]);
    assert_eq!(r.code, 1, "{}", show(&r));
    let doc = json_of(&r);
    assert_eq!(doc["report"]["result"], "FAILED");
    assert!(doc["report"]["data"][0]["value"]
        .as_u64()
        .is_some_and(|n| n >= 1));
    let a = doc["annotations"]
        .as_array()
        .and_then(|a| {
            a.iter().find(|a| {
                a["summary"]
                    .as_str()
                    .is_some_and(|s| s.starts_with("missing-subject-condition: "))
            })
        })
        .unwrap_or_else(|| panic!("no missing-subject-condition annotation: {doc:#}"));
    assert_eq!(a["severity"], "HIGH", "{a:#}");
    assert_eq!(a["annotation_type"], "VULNERABILITY", "{a:#}");
}
