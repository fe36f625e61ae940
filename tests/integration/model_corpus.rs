//! Every case under `corpus/diff/cases/`: the model's verdict is the expected one, and every
//! witness replays under the evaluator (HEAD allows it, BASE denies it).

use rolecall::eval::{evaluate, Verdict};
use rolecall::model::{self, Options, Witness};
use rolecall::policy::{parse, Policy};
use serde_json::Value;

use crate::common::{files, path};

fn policy(v: &Value) -> Policy {
    parse(&serde_json::to_string(v).unwrap()).unwrap()
}

fn allows(p: &Policy, w: &Witness) -> bool {
    evaluate(p, &w.request()).verdict == Verdict::Allow
}

#[test]
fn every_diff_case_gives_its_verdict_with_replayable_witnesses() {
    let cases = files(&path("corpus/diff/cases"), ".json");
    assert!(cases.len() > 150, "the corpus has {} cases", cases.len());
    let mut failures = Vec::new();
    for file in &cases {
        let case: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let (base, head) = (policy(&case["base"]), policy(&case["head"]));
        let want = case["expected"].as_str().unwrap() == "new-access";
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let d = match model::diff(&base, &head, &Options::default()) {
            Ok(d) => d,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        if d.is_wider() != want {
            failures.push(format!(
                "{name}: expected {}, got {:?}",
                case["expected"],
                d.widened.iter().map(|w| &w.sentence).collect::<Vec<_>>()
            ));
        }
        for way in &d.widened {
            if !allows(&head, &way.witness) || allows(&base, &way.witness) {
                failures.push(format!("{name}: witness does not replay: {}", way.sentence));
            }
        }
        for way in &d.narrowed {
            if allows(&head, &way.witness) || !allows(&base, &way.witness) {
                failures.push(format!("{name}: narrowing witness does not replay"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
