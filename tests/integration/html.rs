//! `lint --format html`: one self-contained page whose data agrees with `--format json`,
//! whose witnesses replay with the commands it prints, and which policy text cannot break.

use std::process::Command;

use serde_json::Value;

use crate::common::{path, repo, rolecall};

/// The page and the JSON object in its `#data` script.
pub fn report(args: &[&str]) -> (String, Value) {
    let run = rolecall(&[&["lint", "--format", "html"], args].concat(), None);
    assert!(run.code <= 1, "{}", run.stderr);
    let open = r#"<script type="application/json" id="data">"#;
    let start = run.stdout.find(open).expect("a data script") + open.len();
    let end = start + run.stdout[start..].find("</script>").unwrap();
    let mut data: Value = serde_json::from_str(&run.stdout[start..end]).expect("the data is JSON");
    resolve(&mut data);
    (run.stdout, data)
}

/// Put the texts of `t` in place of their indices, as the page's script does.
fn resolve(data: &mut Value) {
    let texts = data["t"].as_array().unwrap().clone();
    let text = |v: &mut Value| {
        if let Some(i) = v.as_u64() {
            *v = texts[i as usize].clone();
        }
    };
    for role in data["roles"].as_array_mut().unwrap() {
        for f in role["k"].as_array_mut().unwrap() {
            text(&mut f["m"]);
            text(&mut f["h"]);
            for i in 1..4 {
                text(&mut f["e"][i]);
            }
            if f["w"].is_object() {
                text(&mut f["w"]["who"]);
                text(&mut f["w"]["claims"]);
            }
        }
    }
}

fn json_report(args: &[&str]) -> Value {
    let run = rolecall(&[&["lint", "--format", "json"], args].concat(), None);
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn the_page_loads_nothing_from_outside() {
    let (page, _) = report(&["corpus/policies/seed"]);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    let markup = page.replace(
        &page[page.find("id=\"data\">").unwrap()..page.rfind("<script>").unwrap()],
        "",
    );
    for external in [
        "<link",
        " src=",
        "href=",
        "@import",
        "url(",
        "fetch(",
        "XMLHttpRequest",
    ] {
        assert!(!markup.contains(external), "the page has `{external}`");
    }
    assert!(page.contains("<svg id=\"exposure\""));
}

#[test]
fn summary_and_data_agree_with_the_json_report() {
    let dir = "corpus/policies/seed";
    let (page, data) = report(&[dir]);
    let json = json_report(&[dir]);
    let summary = &json["summary"];
    for (sev, key) in [
        ("error", "errors"),
        ("warning", "warnings"),
        ("note", "notes"),
    ] {
        let cell = format!(
            "<td class=\"sev-{sev}\">{sev}</td><td>{}</td>",
            summary[key]
        );
        assert!(page.contains(&cell), "no `{cell}`");
    }
    assert!(page.contains("<td>Bitbucket Pipelines</td><td>2</td><td>2</td>"));
    let mut from_page: Vec<(String, String)> = data["roles"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["k"].as_array().unwrap().iter())
        .map(|f| {
            (
                f["r"].as_str().unwrap().into(),
                f["m"].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut from_json: Vec<(String, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().into(),
                f["message"].as_str().unwrap().into(),
            )
        })
        .collect();
    from_page.sort();
    from_json.sort();
    assert_eq!(from_page, from_json);
    // The console-default policy admits the whole workspace: tenant-wide.
    let console = data["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["f"]
                .as_str()
                .unwrap()
                .ends_with("policy-console-default.json")
        })
        .unwrap();
    assert_eq!(
        data["exposure"][console["x"].as_u64().unwrap() as usize],
        "tenant-wide"
    );
}

#[test]
fn the_excerpt_highlights_the_offending_value() {
    let file = "corpus/policies/seed/policy-console-default.json";
    let (_, data) = report(&[file]);
    let text = std::fs::read_to_string(path(file)).unwrap();
    let f = &data["roles"][0]["k"][0];
    let e = f["e"].as_array().unwrap();
    let shown: String = e[1..].iter().map(|p| p.as_str().unwrap()).collect();
    assert!(text.contains(&shown), "the excerpt is the file's text");
    assert!(e[2]
        .as_str()
        .unwrap()
        .contains("oidc-provider/api.bitbucket.org"));
    // Line numbers are the file's: the excerpt starts two lines above the finding's line.
    let at_line: u64 = f["at"]
        .as_str()
        .unwrap()
        .split(':')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(e[0].as_u64().unwrap(), at_line - 2);
}

/// Run a report's replay commands in a scratch directory with `rolecall` on PATH.
pub fn replay(cmd: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_rolecall"), bin.join("rolecall")).unwrap();
    let cmd = cmd.replace("'corpus/", &format!("'{}/corpus/", repo().display()));
    let out = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &cmd])
        .current_dir(dir.path())
        .env(
            "PATH",
            format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
        )
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn witness_commands(data: &Value) -> Vec<String> {
    data["roles"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["k"].as_array().unwrap().iter())
        .filter_map(|f| {
            let w = &f["w"];
            let claims = w["claims"].as_str()?.replace('\'', r"'\''");
            // As the page's script shows it: the line that saves the claims, then `cmd`.
            Some(format!(
                "printf '%s' '{claims}' > witness.json\n{}",
                w["cmd"].as_str()?
            ))
        })
        .collect()
}

#[test]
fn the_replay_command_of_a_policy_file_is_allowed() {
    let (_, data) = report(&["corpus/policies/seed"]);
    let cmds = witness_commands(&data);
    assert_eq!(cmds.len(), 1);
    assert!(cmds[0].contains("rolecall check 'corpus/policies/seed/policy-console-default.json'"));
    let (code, out) = replay(&cmds[0]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("Allow"), "{out}");
}

#[test]
fn the_replay_commands_of_dump_roles_extract_their_policy() {
    let policy =
        std::fs::read_to_string(path("corpus/policies/seed/policy-console-default.json")).unwrap();
    let encoded: String = policy
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let doc: Value = serde_json::from_str(&policy).unwrap();
    let dump = serde_json::json!({"RoleDetailList": [
        {"RoleName": "as-object", "AssumeRolePolicyDocument": doc},
        {"RoleName": "url-encoded", "AssumeRolePolicyDocument": encoded},
    ]});
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dump.json");
    std::fs::write(&file, serde_json::to_string_pretty(&dump).unwrap()).unwrap();
    let (_, data) = report(&[file.to_str().unwrap()]);
    let cmds = witness_commands(&data);
    assert_eq!(cmds.len(), 2, "{cmds:?}");
    for cmd in cmds {
        assert!(
            cmd.contains("jq") && cmd.contains("rolecall check policy.json"),
            "{cmd}"
        );
        let (code, out) = replay(&cmd);
        assert_eq!(code, 0, "{cmd}\n{out}");
        assert!(out.starts_with("Allow"), "{out}");
    }
}

#[test]
fn policy_text_cannot_break_the_page() {
    let evil = "</script><script>alert(1)</script><!--";
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": evil,
            "Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": format!("repo:acme/{evil}*")}}
        }]
    });
    let dump = serde_json::json!({"Roles": [
        {"RoleName": format!("role{evil}<b>&amp;"), "AssumeRolePolicyDocument": policy}
    ]});
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("x{}.json", "<i>'&"));
    std::fs::write(&file, serde_json::to_string_pretty(&dump).unwrap()).unwrap();
    let (page, data) = report(&[file.to_str().unwrap()]);
    // Exactly the page's own two scripts end: the data's and the code's.
    assert_eq!(page.matches("</script>").count(), 2, "{page}");
    assert_eq!(page.matches("<script").count(), 2);
    assert!(
        !page.contains("alert(1)</"),
        "the payload appears unescaped"
    );
    assert!(!page.contains("<b>&amp;") && !page.contains("<i>"));
    // ... and the data still carries the text exactly, for the script to show as text.
    let role = &data["roles"][0];
    assert_eq!(role["n"], format!("role{evil}<b>&amp;"));
    let excerpts: String = role["k"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["e"].as_array().unwrap()[1..].to_vec())
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    assert!(excerpts.contains("alert(1)"), "{excerpts}");
    // The script never turns data into markup.
    assert!(!page.contains("innerHTML") && !page.contains("insertAdjacentHTML"));
}

#[test]
fn a_clean_run_is_a_page_with_no_roles() {
    let (page, data) = report(&["corpus/policies/seed/policy-repository.json"]);
    assert!(page.contains("0 role(s) or file(s) with findings"));
    assert_eq!(data["roles"], Value::Array(Vec::new()));
}

#[test]
fn exposure_buckets_roles_by_the_widest_identity_set_they_admit() {
    let fed = |issuer: &str| serde_json::json!({"Federated": format!("arn:aws:iam::111122223333:oidc-provider/{issuer}")});
    let gh = "token.actions.githubusercontent.com";
    let allow = |principal: Value, condition: Value| {
        serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": principal, "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition}]})
    };
    let console: Value = serde_json::from_str(
        &std::fs::read_to_string(path("corpus/policies/seed/policy-console-default.json")).unwrap(),
    )
    .unwrap();
    let roles = [
        // Any identity pool of any account: Cognito's `aud` is the pool.
        (
            "cognito-any-pool",
            allow(
                serde_json::json!({"Federated": "cognito-identity.amazonaws.com"}),
                serde_json::json!({"ForAnyValue:StringLike":
                    {"cognito-identity.amazonaws.com:amr": "authenticated"}}),
            ),
            "cross-tenant",
        ),
        // No `sub` on gitlab.com, an issuer every customer shares.
        (
            "gitlab-no-sub",
            allow(
                fed("gitlab.com"),
                serde_json::json!({"StringEquals": {"gitlab.com:aud": "https://gitlab.com"}}),
            ),
            "cross-tenant",
        ),
        // No `sub` on a workspace's own issuer: that workspace.
        ("bitbucket-no-sub", console, "tenant-wide"),
        (
            "github-prod",
            allow(
                fed(gh),
                serde_json::json!({"StringEquals": {format!("{gh}:aud"): "sts.amazonaws.com",
                    format!("{gh}:sub"): "repo:acme/app:environment:prod"}}),
            ),
            "one environment or narrower",
        ),
        // `*` under StringEquals is literal: no token gets in.
        (
            "github-literal-star",
            allow(
                fed(gh),
                serde_json::json!({"StringEquals": {format!("{gh}:aud"): "sts.amazonaws.com",
                    format!("{gh}:sub"): "repo:acme/app:*"}}),
            ),
            "no token admitted",
        ),
        (
            "invalid",
            serde_json::json!({"Version": "2012-10-17", "Statement": "nope"}),
            "not decided",
        ),
    ];
    let listing: Vec<Value> = roles
        .iter()
        .map(
            |(name, doc, _)| serde_json::json!({"RoleName": name, "AssumeRolePolicyDocument": doc}),
        )
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("roles.json");
    std::fs::write(&file, serde_json::json!({ "Roles": listing }).to_string()).unwrap();
    let (page, data) = report(&[file.to_str().unwrap()]);
    for (name, _, want) in &roles {
        let role = data["roles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["n"] == *name)
            .unwrap_or_else(|| panic!("no role {name}"));
        let got = &data["exposure"][role["x"].as_u64().unwrap() as usize];
        assert_eq!(got, want, "{name}");
    }
    // The chart counts the roles of each bucket, widest first.
    let chart = &page[page.find("<svg id=\"exposure\"").unwrap()..];
    let chart = &chart[..chart.find("</svg>").unwrap()];
    for (_, _, want) in &roles {
        let n = roles.iter().filter(|(_, _, w)| w == want).count();
        let bar = format!("<title>{want}: {n} role(s)</title>");
        assert!(chart.contains(&bar), "no `{bar}`");
    }
    let (first, last) = (
        chart.find("cross-tenant").unwrap(),
        chart.find("not decided").unwrap(),
    );
    assert!(first < last);
    // The table filters by the same buckets (the page's script fills the options from them).
    assert!(page.contains("<select id=\"f-exposure\">"));
}
