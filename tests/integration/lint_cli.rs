//! `rolecall lint` and `rolecall rules` through the binary: exit codes, every output format
//! (text, json, sarif, github, bitbucket), configuration, baselines and IAM API input.

use std::collections::BTreeSet;

use regex::Regex;
use serde_json::{json, Value};
use tempfile::TempDir;

use crate::common::{self, Run};

const SEED_DIR: &str = "corpus/policies/seed/";
const CONSOLE_DEFAULT: &str = "corpus/policies/seed/policy-console-default.json";
const REPOSITORY: &str = "corpus/policies/seed/policy-repository.json";
const ENVIRONMENT: &str = "corpus/policies/seed/policy-environment.json";
const IP_RANGE: &str = "corpus/policies/seed/policy-ip-range.json";
/// The repository policy with an audience condition too: no rule has anything to say.
const CLEAN: &str = "tests/data/clean-policy.json";
/// The repository the seed policies name; a witness from any other one shows the breadth.
const SEED_REPOSITORY: &str = "{1de489be-ce6a-42a0-a8c8-eadbf1174ac7}";
const SARIF_SCHEMA: &str = "tests/data/sarif-schema-2.1.0.json";
/// The `language` pattern of the published SARIF schema, with a stray `]` (tests/data/README.md).
const BROKEN_LANGUAGE_PATTERN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";

/// Run `rolecall` and check what holds for every run: it did not panic.
fn run(args: &[&str]) -> Run {
    let r = common::rolecall(args, None);
    assert!(
        !r.stderr.contains("panicked"),
        "{args:?} panicked:\n{}",
        r.stderr
    );
    r
}

fn show(r: &Run) -> String {
    format!(
        "exit {}\n--- stdout\n{}\n--- stderr\n{}",
        r.code, r.stdout, r.stderr
    )
}

fn json_of(r: &Run) -> Value {
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", show(r)))
}

fn findings(doc: &Value) -> &Vec<Value> {
    doc["findings"].as_array().expect("findings is an array")
}

/// The findings of one rule.
fn of_rule<'a>(doc: &'a Value, rule: &str) -> Vec<&'a Value> {
    findings(doc).iter().filter(|f| f["rule"] == rule).collect()
}

/// The one finding of `rule` in `file`.
fn the_finding<'a>(doc: &'a Value, rule: &str, file: &str) -> &'a Value {
    let found: Vec<&Value> = of_rule(doc, rule)
        .into_iter()
        .filter(|f| f["file"] == file)
        .collect();
    assert_eq!(found.len(), 1, "one {rule} finding in {file}: {doc:#}");
    found[0]
}

/// Findings that fail a run by default (warning or error), or that show a breadth (witness).
fn serious(f: &Value) -> bool {
    f["severity"] != "note" || !f["witness"].is_null()
}

/// The text summary line that `--format text` prints for the counts of a JSON report.
fn summary_line(doc: &Value) -> String {
    let s = &doc["summary"];
    format!(
        "{} error(s), {} warning(s), {} note(s)",
        s["errors"], s["warnings"], s["notes"]
    )
}

fn text_of(path: &str) -> String {
    std::fs::read_to_string(common::path(path)).expect("read corpus file")
}

fn write(dir: &TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, text).expect("write temp file");
    p.to_string_lossy().into_owned()
}

/// Percent-encode as the IAM API does for `AssumeRolePolicyDocument`.
fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn policy_json(path: &str) -> Value {
    serde_json::from_str(&text_of(path)).expect("corpus policy is JSON")
}

// --- exit codes and the text format ---------------------------------------------------------

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

// --- json -----------------------------------------------------------------------------------

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

// --- sarif ----------------------------------------------------------------------------------

fn drop_broken_patterns(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.get("pattern").and_then(Value::as_str) == Some(BROKEN_LANGUAGE_PATTERN) {
                m.remove("pattern");
            }
            m.values_mut().for_each(drop_broken_patterns);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_broken_patterns),
        _ => {}
    }
}

fn sarif_validator() -> jsonschema::Validator {
    let mut schema: Value =
        serde_json::from_str(&text_of(SARIF_SCHEMA)).expect("the vendored schema is JSON");
    assert_eq!(
        schema["$schema"], "http://json-schema.org/draft-07/schema#",
        "the vendored schema is draft-07"
    );
    drop_broken_patterns(&mut schema);
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn assert_valid_sarif(validator: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: invalid SARIF:\n{}",
        errors.join("\n")
    );
}

#[test]
fn sarif_output_validates_against_the_schema() {
    let validator = sarif_validator();
    let dir = TempDir::new().expect("temp dir");
    let get_role = write_get_role(&dir);
    let cases: Vec<Vec<&str>> = vec![
        vec!["lint", SEED_DIR, "--format", "sarif"],
        vec!["lint", REPOSITORY, "--format", "sarif"],
        vec!["lint", CLEAN, "--format", "sarif"],
        vec!["lint", get_role.as_str(), "--format", "sarif"],
    ];
    for args in cases {
        let r = run(&args);
        assert_ne!(r.code, 2, "{}", show(&r));
        let doc = json_of(&r);
        assert_valid_sarif(&validator, &doc, &args.join(" "));
    }
}

#[test]
fn the_sarif_schema_check_rejects_broken_sarif() {
    // The validator is not vacuous: a wrong level, a line 0 and a non-URI path are caught.
    let validator = sarif_validator();
    let r = run(&["lint", SEED_DIR, "--format", "sarif"]);
    let mut doc = json_of(&r);
    let result = &mut doc["runs"][0]["results"][0];
    result["level"] = json!("fatal");
    result["locations"][0]["physicalLocation"]["region"]["startLine"] = json!(0);
    result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = json!("a b");
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| e.instance_path().to_string())
        .collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
}

#[test]
fn sarif_lists_every_rule_and_places_every_result() {
    let r = run(&["lint", SEED_DIR, "--format", "sarif"]);
    assert_eq!(r.code, 1, "{}", show(&r));
    let doc = json_of(&r);
    assert_eq!(doc["version"], "2.1.0");
    assert_eq!(
        doc["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let runs = doc["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "rolecall");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(driver["informationUri"]
        .as_str()
        .is_some_and(|u| u.starts_with("https://")));
    let rules = driver["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    let registry: Vec<&str> = rolecall::lint::ALL.iter().map(|r| r.id).collect();
    assert_eq!(ids, registry);
    for (rule, reg) in rules.iter().zip(rolecall::lint::ALL) {
        assert_eq!(rule["shortDescription"]["text"], reg.summary);
        assert!(rule["fullDescription"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty()));
        assert!(rule["name"].as_str().is_some_and(|n| !n.is_empty()));
        assert_eq!(rule["help"]["markdown"], reg.doc);
        assert!(rule["help"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        assert_eq!(rule["defaultConfiguration"]["level"], reg.severity.as_str());
    }

    let json_run = run(&["lint", SEED_DIR, "--format", "json"]);
    let json_doc = json_of(&json_run);
    let results = runs[0]["results"].as_array().expect("results");
    assert_eq!(results.len(), findings(&json_doc).len());
    for (res, f) in results.iter().zip(findings(&json_doc)) {
        assert_eq!(res["ruleId"], f["rule"]);
        let index = res["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], res["ruleId"]);
        assert_eq!(res["level"], f["severity"]);
        let text = res["message"]["text"].as_str().expect("message");
        assert!(
            text.starts_with(f["message"].as_str().expect("message")),
            "{text}"
        );
        let loc = &res["locations"][0];
        let phys = &loc["physicalLocation"];
        assert_eq!(phys["artifactLocation"]["uri"], f["file"]);
        let region = &phys["region"];
        assert_eq!(region["startLine"], f["line"]);
        assert_eq!(region["startColumn"], f["column"]);
        assert_eq!(region["endLine"], f["end_line"]);
        assert_eq!(region["endColumn"], f["end_column"]);
        assert_eq!(
            loc["logicalLocations"][0]["fullyQualifiedName"],
            f["pointer"]
        );
        assert_eq!(res["partialFingerprints"]["rolecall/v1"], f["fingerprint"]);
        match f["witness"].is_null() {
            true => assert!(res["properties"]["witness"].is_null(), "{res:#}"),
            false => assert_eq!(res["properties"]["witness"], f["witness"]),
        }
    }
    // Deterministic: a second run prints the same bytes.
    let again = run(&["lint", SEED_DIR, "--format", "sarif"]);
    assert_eq!(again.stdout, r.stdout);
}

#[test]
fn sarif_uris_use_forward_slashes_and_name_the_role() {
    let dir = TempDir::new().expect("temp dir");
    let get_role = write_get_role(&dir);
    let r = run(&["lint", get_role.as_str(), "--format", "sarif"]);
    assert_eq!(r.code, 1, "{}", show(&r));
    let doc = json_of(&r);
    let res = &doc["runs"][0]["results"][0];
    let uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .expect("uri");
    // An absolute path becomes a file URI.
    assert!(uri.starts_with("file:///"), "{uri}");
    assert!(
        uri.ends_with("/get-role.json") && !uri.contains('\\'),
        "{uri}"
    );
    let logical = &res["locations"][0]["logicalLocations"][0];
    assert_eq!(logical["name"], "deploy");
    assert_eq!(
        logical["fullyQualifiedName"],
        "deploy#/Role/AssumeRolePolicyDocument/Statement/0/Principal/Federated"
    );
}

// --- github ---------------------------------------------------------------------------------

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

/// A GitHub role with only an audience condition: an error (the issuer is shared).
fn github_audience_only() -> String {
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}
        }]
    });
    serde_json::to_string_pretty(&policy).unwrap()
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

// --- rules ----------------------------------------------------------------------------------

#[test]
fn rules_lists_every_rule_of_the_registry() {
    let r = run(&["rules"]);
    assert_eq!(r.code, 0, "{}", show(&r));
    let listed: Vec<&str> = r
        .stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let registry: Vec<&str> = rolecall::lint::ALL.iter().map(|r| r.id).collect();
    assert_eq!(listed, registry);
    for rule in rolecall::lint::ALL {
        let line = r
            .stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(rule.id))
            .expect("listed");
        assert!(line.contains(rule.severity.as_str()), "{line}");
        assert!(line.contains(rule.summary), "{line}");
    }
}

#[test]
fn rules_prints_one_rules_documentation() {
    let r = run(&["rules", "missing-subject-condition"]);
    assert_eq!(r.code, 0, "{}", show(&r));
    assert_eq!(r.stdout, text_of("rules/missing-subject-condition.md"));
}

#[test]
fn rules_rejects_an_unknown_rule() {
    let r = run(&["rules", "nope"]);
    assert_eq!(r.code, 2, "{}", show(&r));
    assert!(
        r.stderr.contains("no rule is called `nope`"),
        "{}",
        show(&r)
    );
    assert!(r.stdout.is_empty(), "{}", show(&r));
}

// --- configuration and baselines ------------------------------------------------------------

#[test]
fn config_can_turn_a_rule_off() {
    let dir = TempDir::new().expect("temp dir");
    let config = write(
        &dir,
        "rolecall.toml",
        "[rules]\nmissing-subject-condition = \"off\"\n",
    );
    let r = run(&["lint", CONSOLE_DEFAULT, "--config", config.as_str()]);
    assert_eq!(r.code, 0, "{}", show(&r));
    assert!(
        r.stdout.contains("0 error(s), 0 warning(s), "),
        "{}",
        show(&r)
    );
    assert!(
        !r.stdout.contains("missing-subject-condition"),
        "{}",
        show(&r)
    );
    // Without the config the same file fails.
    assert_eq!(run(&["lint", CONSOLE_DEFAULT]).code, 1);
}

#[test]
fn config_can_raise_a_rules_severity() {
    let dir = TempDir::new().expect("temp dir");
    let config = write(
        &dir,
        "rolecall.toml",
        "[rules]\nshared-ci-ip-allowlist = \"error\"\n",
    );
    let r = run(&[
        "lint",
        IP_RANGE,
        "--config",
        config.as_str(),
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 1, "{}", show(&r));
    let doc = json_of(&r);
    assert_eq!(
        the_finding(&doc, "shared-ci-ip-allowlist", IP_RANGE)["severity"],
        "error"
    );
}

#[test]
fn config_ignore_without_a_reason_is_an_error() {
    let dir = TempDir::new().expect("temp dir");
    let missing = write(
        &dir,
        "missing.toml",
        "[[ignore]]\nrule = \"missing-subject-condition\"\npath = \"corpus/*\"\n",
    );
    let r = run(&["lint", CONSOLE_DEFAULT, "--config", missing.as_str()]);
    assert_eq!(r.code, 2, "{}", show(&r));
    assert!(r.stderr.contains("reason"), "{}", show(&r));
    assert!(r.stderr.contains("missing.toml"), "{}", show(&r));
    assert!(r.stdout.is_empty(), "{}", show(&r));

    let blank = write(
        &dir,
        "blank.toml",
        "[[ignore]]\nrule = \"missing-subject-condition\"\npath = \"corpus/*\"\nreason = \"  \"\n",
    );
    let r = run(&["lint", CONSOLE_DEFAULT, "--config", blank.as_str()]);
    assert_eq!(r.code, 2, "{}", show(&r));
    assert!(r.stderr.contains("needs a reason"), "{}", show(&r));
}

#[test]
fn baseline_of_a_previous_report_passes_the_same_run() {
    let first = run(&["lint", SEED_DIR, "--format", "json"]);
    assert_eq!(first.code, 1, "{}", show(&first));
    let dir = TempDir::new().expect("temp dir");
    let baseline = write(&dir, "baseline.json", &first.stdout);
    let known = findings(&json_of(&first)).len();
    let r = run(&["lint", SEED_DIR, "--baseline", baseline.as_str()]);
    assert_eq!(r.code, 0, "{}", show(&r));
    assert_eq!(
        r.stdout,
        format!(
            "0 error(s), 0 warning(s), 0 note(s); {known} finding(s) already in the baseline\n"
        ),
        "{}",
        show(&r)
    );
    let r = run(&[
        "lint",
        SEED_DIR,
        "--baseline",
        baseline.as_str(),
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", show(&r));
    let doc = json_of(&r);
    assert!(findings(&doc).is_empty(), "{doc:#}");
    assert_eq!(doc["summary"]["baselined"], known);
    // A new finding is not in the baseline: it still fails.
    let r = run(&[
        "lint",
        SEED_DIR,
        CLEAN,
        "--baseline",
        baseline.as_str(),
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", show(&r));
    let github = write(&dir, "github.json", &github_audience_only());
    let r = run(&[
        "lint",
        SEED_DIR,
        github.as_str(),
        "--baseline",
        baseline.as_str(),
    ]);
    assert_eq!(r.code, 1, "{}", show(&r));
}

// --- IAM API input --------------------------------------------------------------------------

/// `aws iam get-role` as the raw API returns it: the policy URL-encoded in a string.
fn write_get_role(dir: &TempDir) -> String {
    let doc = json!({
        "Role": {
            "Path": "/",
            "RoleName": "deploy",
            "RoleId": "AROAEXAMPLEEXAMPLE123",
            "Arn": "arn:aws:iam::123456789012:role/deploy",
            "CreateDate": "2026-01-01T00:00:00Z",
            "AssumeRolePolicyDocument": url_encode(&text_of(CONSOLE_DEFAULT)),
            "MaxSessionDuration": 3600
        }
    });
    write(
        dir,
        "get-role.json",
        &serde_json::to_string_pretty(&doc).unwrap(),
    )
}

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

// --- files that are not policies ------------------------------------------------------------

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
        // Nothing was linted: no report, except the JSON one, which carries the error.
        if format == "json" {
            let e = &json_of(&r)["errors"][0];
            assert_eq!(
                (e["line"].as_u64(), e["column"].as_u64()),
                (Some(4), Some(24))
            );
        } else {
            assert!(r.stdout.is_empty(), "{format}: {}", show(&r));
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

/// Stderr holds nothing but the run's summary line.
fn summary_only(stderr: &str) -> bool {
    stderr.lines().count() == 1 && stderr.starts_with("rolecall: ") && stderr.contains(" read, ")
}
