//! `lint --format html` shows each role's `who` summary: the same lines `rolecall who` prints,
//! each with a witness whose replay command `check` allows; a role the model refuses says so
//! and the report is still written.

use serde_json::Value;

use super::html::{replay, report};
use super::snapshots_common::assert_all;
use crate::common::rolecall;

/// Snapshot names this module writes (for the orphan check).
pub const SNAPSHOTS: [&str; 1] = ["html__who"];

/// One role's who summary as the page's script reads it: `Ok(lines)` of (words, replay
/// command), or `Err(reason)` when the model refused the role.
fn who_of(data: &Value, role: &Value) -> Option<Result<Vec<(String, String)>, String>> {
    let t = |v: &Value| {
        data["t"][v.as_u64().unwrap() as usize]
            .as_str()
            .unwrap()
            .to_string()
    };
    let w = role.get("w").filter(|w| !w.is_null())?;
    if let Some(x) = w.get("x") {
        return Some(Err(t(x)));
    }
    let file = role["f"].as_str().unwrap();
    let resource = if role["a"] == 1 {
        format!(" --resource {}", word(role["n"].as_str().unwrap()))
    } else {
        String::new()
    };
    let lines = w["l"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            // As report.js's `whoBox` writes it.
            let cmd = format!(
                "printf '%s' {} > witness.json\nrolecall check {}{resource} --claims witness.json {}",
                word(&t(&l["c"])),
                word(file),
                t(&l["a"])
            );
            (t(&l["t"]), cmd)
        })
        .collect();
    Some(Ok(lines))
}

fn word(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The `- ` lines of `rolecall who`'s text output.
fn who_lines(args: &[&str]) -> Vec<String> {
    let run = rolecall(&[&["who"], args].concat(), None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
        .lines()
        .filter_map(|l| l.strip_prefix("- "))
        .map(str::to_string)
        .collect()
}

fn roles(data: &Value) -> &Vec<Value> {
    data["roles"].as_array().unwrap()
}

#[test]
fn each_role_shows_what_rolecall_who_prints_and_its_witnesses_replay_as_allowed() {
    let (page, data) = report(&["corpus/policies/seed"]);
    assert!(
        page.contains("Who can assume each role (<code>rolecall who</code>): 2 decided."),
        "no who summary in the header"
    );
    assert_eq!(roles(&data).len(), 2);
    for role in roles(&data) {
        let file = role["f"].as_str().unwrap();
        let lines = who_of(&data, role)
            .expect("a who summary")
            .expect("decided");
        let words: Vec<String> = lines.iter().map(|(w, _)| w.clone()).collect();
        assert_eq!(words, who_lines(&[file]), "{file}");
        for (_, cmd) in &lines {
            assert!(cmd.contains("--provider arn:aws:iam::"), "{cmd}");
            let (code, out) = replay(cmd);
            assert_eq!(code, 0, "{cmd}\n{out}");
            assert!(out.starts_with("Allow"), "{out}");
        }
    }
}

/// A dump: a role as an object, one URL-encoded, and one the model cannot decide exactly
/// (a string operator on `aws:SourceIp`), each with a finding (any repository of the owner).
fn dump() -> Value {
    let statement = |extra: Value| {
        let mut cond = serde_json::json!({
            "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
            "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/*"}
        });
        if let (Some(c), Some(e)) = (cond.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                c.entry(k.clone())
                    .or_insert_with(|| Value::Object(Default::default()))
                    .as_object_mut()
                    .unwrap()
                    .extend(v.as_object().unwrap().clone());
            }
        }
        serde_json::json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": cond
        }]})
    };
    let plain = statement(serde_json::json!({}));
    let encoded: String = plain
        .to_string()
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let refused = statement(serde_json::json!({"StringLike": {"aws:SourceIp": "10.*"}}));
    serde_json::json!({"RoleDetailList": [
        {"RoleName": "as-object", "AssumeRolePolicyDocument": plain},
        {"RoleName": "url-encoded", "AssumeRolePolicyDocument": encoded},
        {"RoleName": "refused", "AssumeRolePolicyDocument": refused},
    ]})
}

#[test]
fn dump_roles_replay_by_name_and_a_refused_role_says_why_without_failing_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dump.json");
    std::fs::write(&file, serde_json::to_string_pretty(&dump()).unwrap()).unwrap();
    let file = file.to_str().unwrap();
    let (page, data) = report(&[file]);
    assert!(page.contains("2 decided, <b class=\"sev-warning\" id=\"who-refused\">1 the model"));
    let mut snapshot = String::new();
    for role in roles(&data) {
        let name = role["n"].as_str().unwrap();
        snapshot.push_str(&format!("## {name}\n"));
        match who_of(&data, role).expect("a who summary") {
            Err(why) => {
                assert_eq!(name, "refused");
                assert!(why.contains("cannot decide exactly"), "{why}");
                // `rolecall who` refuses the same role, with the same reason.
                let run = rolecall(&["who", file, "--resource", name], None);
                assert_eq!(run.code, 2);
                assert!(run.stderr.contains(&why), "{}", run.stderr);
                snapshot.push_str(&format!("not decided: {why}\n"));
            }
            Ok(lines) => {
                assert_ne!(name, "refused");
                let words: Vec<String> = lines.iter().map(|(w, _)| w.clone()).collect();
                assert_eq!(words, who_lines(&[file, "--resource", name]), "{name}");
                assert!(!lines.is_empty());
                for (w, cmd) in &lines {
                    assert!(cmd.contains(&format!("--resource '{name}'")), "{cmd}");
                    let (code, out) = replay(cmd);
                    assert_eq!(code, 0, "{cmd}\n{out}");
                    assert!(out.starts_with("Allow"), "{out}");
                    snapshot.push_str(&format!("- {w}\n{}\n", cmd.replace(file, "dump.json")));
                }
            }
        }
    }
    assert_all(vec![(SNAPSHOTS[0].to_string(), snapshot)]);
}
