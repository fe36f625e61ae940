//! One bad file never hides the rest, in every format: a JSON syntax error and an HCL syntax
//! error beside a good policy. SARIF carries each as a `file-error` result at its line (and a
//! tool notification), `github` as an `::error` workflow command, `bitbucket` as an
//! annotation; the good file's findings are all there, and the exit code is 2.

#[allow(unused_imports, reason = "each file uses some of the shared helpers")]
use crate::lint_cli_common::*;
use crate::lint_cli_sarif::{assert_valid_sarif, sarif_validator};

/// A directory with one good policy and two broken files: (dir, good, bad JSON, bad `.tf`).
fn mixed() -> (TempDir, String, String, String) {
    let dir = TempDir::new().unwrap();
    let good = write(&dir, "good.json", &github_audience_only());
    // The syntax error is on line 4.
    let bad = write(
        &dir,
        "bad.json",
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n}\n",
    );
    // The syntax error is on line 2.
    let tf = write(
        &dir,
        "broken.tf",
        "resource \"aws_iam_role\" \"r\" {\n  assume_role_policy = = 1\n}\n",
    );
    (dir, good, bad, tf)
}

fn lint_dir(dir: &TempDir, format: &str) -> Run {
    let r = run(&["lint", dir.path().to_str().unwrap(), "--format", format]);
    assert_eq!(r.code, 2, "{}", show(&r));
    r
}

#[test]
fn sarif_carries_each_file_error_as_a_located_result() {
    let (dir, ..) = mixed();
    let r = lint_dir(&dir, "sarif");
    let doc = json_of(&r);
    assert_valid_sarif(&sarif_validator(), &doc, "mixed");
    let run = &doc["runs"][0];
    let results = run["results"].as_array().unwrap();
    let uri = |res: &Value| {
        res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let line = |res: &Value| res["locations"][0]["physicalLocation"]["region"]["startLine"].clone();
    assert!(
        results
            .iter()
            .any(|res| uri(res).ends_with("good.json") && res["ruleId"] != "file-error"),
        "the good file's findings are kept"
    );
    let errors: Vec<&Value> = results
        .iter()
        .filter(|res| res["ruleId"] == "file-error")
        .collect();
    assert_eq!(errors.len(), 2, "{}", r.stdout);
    let json_error = errors
        .iter()
        .find(|e| uri(e).ends_with("bad.json"))
        .unwrap();
    assert_eq!(line(json_error), 4);
    assert_eq!(json_error["level"], "error");
    assert_eq!(json_error["properties"]["code"], "invalid-json");
    let tf_error = errors
        .iter()
        .find(|e| uri(e).ends_with("broken.tf"))
        .unwrap();
    assert_eq!(line(tf_error), 2);
    // Its rule is described, after every lint rule (whose indices stay as they were).
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let index = json_error["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(index, rolecall::lint::ALL.len());
    assert_eq!(rules[index]["id"], "file-error");
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(
        invocation["toolExecutionNotifications"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn sarif_of_a_run_with_only_a_bad_file_still_reports_it() {
    let dir = TempDir::new().unwrap();
    write(
        &dir,
        "bad.json",
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n}\n",
    );
    // A dangling symlink has no line: its result is placed on the file's first line.
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path().join("gone.json"), dir.path().join("link.json")).unwrap();
    let r = lint_dir(&dir, "sarif");
    let doc = json_of(&r);
    assert_valid_sarif(&sarif_validator(), &doc, "only bad");
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), if cfg!(unix) { 2 } else { 1 });
    assert!(results.iter().all(|r| r["ruleId"] == "file-error"));
    #[cfg(unix)]
    {
        let link = results
            .iter()
            .find(|r| r["properties"]["code"] == "dangling-symlink")
            .unwrap();
        assert_eq!(
            link["locations"][0]["physicalLocation"]["region"]["startLine"],
            1
        );
    }
}

#[test]
fn github_carries_each_file_error_as_an_error_command() {
    let (dir, good, bad, tf) = mixed();
    let r = lint_dir(&dir, "github");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&format!("::error file={good},line="))),
        "{}",
        r.stdout
    );
    let json_error = lines
        .iter()
        .find(|l| l.starts_with(&format!("::error file={bad},")))
        .unwrap();
    assert!(
        json_error.starts_with(&format!(
            "::error file={bad},line=4,col=1,title=rolecall invalid-json::"
        )),
        "{json_error}"
    );
    let tf_error = lines
        .iter()
        .find(|l| l.starts_with(&format!("::error file={tf},")))
        .unwrap();
    assert!(tf_error.contains(",line=2,"), "{tf_error}");
    assert!(
        tf_error.contains("title=rolecall invalid-hcl::"),
        "{tf_error}"
    );
}

#[test]
fn bitbucket_carries_each_file_error_as_an_annotation() {
    let (dir, good, bad, tf) = mixed();
    let r = lint_dir(&dir, "bitbucket");
    let doc = json_of(&r);
    assert_eq!(doc["report"]["result"], "FAILED");
    let data = doc["report"]["data"].as_array().unwrap();
    let file_errors = data.iter().find(|d| d["title"] == "File errors").unwrap();
    assert_eq!(file_errors["value"], 2);
    let annotations = doc["annotations"].as_array().unwrap();
    assert!(annotations.iter().any(|a| a["path"] == good.as_str()));
    let json_error = annotations
        .iter()
        .find(|a| a["path"] == bad.as_str())
        .unwrap();
    assert_eq!(json_error["annotation_type"], "BUG");
    assert_eq!(json_error["severity"], "HIGH");
    assert_eq!(json_error["line"], 4);
    assert!(json_error["summary"]
        .as_str()
        .unwrap()
        .starts_with("invalid-json: "));
    let tf_error = annotations
        .iter()
        .find(|a| a["path"] == tf.as_str())
        .unwrap();
    assert_eq!(tf_error["line"], 2);
    // Every external id is distinct.
    let ids: BTreeSet<&str> = annotations
        .iter()
        .map(|a| a["external_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), annotations.len());
}
