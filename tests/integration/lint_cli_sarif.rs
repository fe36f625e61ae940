//! `lint --format sarif`: schema-valid, every rule listed, every result placed.

#[allow(unused_imports, reason = "each file uses some of the shared helpers")]
use crate::lint_cli_common::*;

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

pub(crate) fn sarif_validator() -> jsonschema::Validator {
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

pub(crate) fn assert_valid_sarif(validator: &jsonschema::Validator, doc: &Value, what: &str) {
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
