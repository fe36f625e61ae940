//! `rolecall diff`: the exit-code contract (0 no new access, 1 new access, 2 error), every
//! format, and `diff --git` over a real repository: roles of every source format matched by
//! resource address (a moved role is one role), Terraform read per module, added roles new
//! access in full, removed ones information, and witnesses that replay with `check`.

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::common::{git, path, Run};

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_rolecall"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .stdin(Stdio::null())
        .output()
        .expect("run rolecall");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A repository with `files` committed as BASE.
fn repo_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    for (rel, text) in files {
        write(dir.path(), rel, text);
    }
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "base"]);
    dir
}

const GITHUB: &str = "token.actions.githubusercontent.com";

fn github_policy(sub: &str) -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
  "Principal": {{"Federated": "arn:aws:iam::111122223333:oidc-provider/{GITHUB}"}},
  "Action": "sts:AssumeRoleWithWebIdentity",
  "Condition": {{"StringEquals": {{"{GITHUB}:aud": "sts.amazonaws.com"}},
                "StringLike": {{"{GITHUB}:sub": "{sub}"}}}}}}]}}
"#
    )
}

fn cfn_role(name: &str, sub: &str) -> String {
    format!(
        r#"  {name}:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: !Sub "arn:aws:iam::${{AWS::AccountId}}:oidc-provider/{GITHUB}"
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals:
                "{GITHUB}:aud": sts.amazonaws.com
              StringLike:
                "{GITHUB}:sub": "{sub}"
"#
    )
}

fn template(roles: &[String]) -> String {
    format!(
        "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n{}",
        roles.concat()
    )
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

#[test]
fn files_mode_exit_codes_are_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "base.json",
        &github_policy("repo:acme/app:ref:refs/heads/main"),
    );
    write(
        dir.path(),
        "same.json",
        &github_policy("repo:acme/app:ref:refs/heads/main"),
    );
    write(dir.path(), "wide.json", &github_policy("repo:acme/app:*"));
    write(dir.path(), "broken.json", "{\"Version\": ");
    let same = run_in(dir.path(), &["diff", "base.json", "same.json"]);
    assert_eq!(same.code, 0, "{}{}", same.stdout, same.stderr);
    assert!(same.stdout.contains("no new access"), "{}", same.stdout);
    let wide = run_in(dir.path(), &["diff", "base.json", "wide.json"]);
    assert_eq!(wide.code, 1, "{}", wide.stderr);
    assert!(
        wide.stdout.contains("pull"),
        "the new way in is named: {}",
        wide.stdout
    );
    // Narrowing is information, not new access.
    let narrow = run_in(dir.path(), &["diff", "wide.json", "base.json"]);
    assert_eq!(narrow.code, 0);
    assert!(
        narrow.stdout.contains("  - HEAD no longer admits"),
        "{}",
        narrow.stdout
    );
    let broken = run_in(dir.path(), &["diff", "base.json", "broken.json"]);
    assert_eq!(broken.code, 2);
    assert!(
        broken.stderr.contains("broken.json:1:"),
        "located: {}",
        broken.stderr
    );
    let usage = run_in(dir.path(), &["diff", "base.json"]);
    assert_eq!(usage.code, 2);
}

#[test]
fn files_mode_reads_templates_and_picks_a_role() {
    let dir = tempfile::tempdir().unwrap();
    let base = template(&[
        cfn_role("DeployRole", "repo:acme/app:ref:refs/heads/main"),
        cfn_role("ReadRole", "repo:acme/app:ref:refs/heads/main"),
    ]);
    let head = template(&[
        cfn_role("DeployRole", "repo:acme/app:ref:refs/heads/main"),
        cfn_role("ReadRole", "repo:acme*"),
    ]);
    write(dir.path(), "base.yaml", &base);
    write(dir.path(), "head.yaml", &head);
    let several = run_in(dir.path(), &["diff", "base.yaml", "head.yaml"]);
    assert_eq!(several.code, 2);
    assert!(several.stderr.contains("DeployRole"), "{}", several.stderr);
    let deploy = run_in(
        dir.path(),
        &["diff", "base.yaml", "head.yaml", "--resource", "DeployRole"],
    );
    assert_eq!(deploy.code, 0, "{}", deploy.stderr);
    let read = run_in(
        dir.path(),
        &[
            "diff",
            "base.yaml",
            "head.yaml",
            "--resource",
            "ReadRole",
            "--format",
            "json",
        ],
    );
    assert_eq!(read.code, 1, "{}", read.stderr);
    let doc = json(&read);
    assert_eq!(doc["roles"][0]["role"], "Resources.ReadRole");
    assert_eq!(doc["roles"][0]["head"]["file"], "head.yaml");
}

#[test]
fn git_mode_matches_roles_by_address_across_files_and_formats() {
    let dir = repo_with(&[
        (
            "policies/app.json",
            &github_policy("repo:acme/app:ref:refs/heads/main"),
        ),
        (
            "stacks/a.yaml",
            &template(&[
                cfn_role("DeployRole", "repo:acme/app:ref:refs/heads/main"),
                cfn_role("StayRole", "repo:acme/app:ref:refs/heads/main"),
            ]),
        ),
        (
            "stacks/old.yaml",
            &template(&[cfn_role("GoneRole", "repo:acme/app:*")]),
        ),
        ("README.md", "not a policy\n"),
    ]);
    let d = dir.path();
    // DeployRole moves to b.yaml unchanged; StayRole is untouched; GoneRole is deleted; a new
    // role is added; app.json widens.
    write(
        d,
        "stacks/a.yaml",
        &template(&[cfn_role("StayRole", "repo:acme/app:ref:refs/heads/main")]),
    );
    write(
        d,
        "stacks/b.yaml",
        &template(&[
            cfn_role("DeployRole", "repo:acme/app:ref:refs/heads/main"),
            cfn_role("NewRole", "repo:acme/app:environment:prod"),
        ]),
    );
    std::fs::remove_file(d.join("stacks/old.yaml")).unwrap();
    write(d, "policies/app.json", &github_policy("repo:acme/*"));
    write(d, "README.md", "still not a policy\n");
    git(d, &["add", "-A"]);
    let run = run_in(d, &["diff", "--git", "HEAD", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc = json(&run);
    let roles: Vec<(String, String, bool)> = doc["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["role"].as_str().unwrap().to_string(),
                r["change"].as_str().unwrap().to_string(),
                r["new_access"].as_bool().unwrap(),
            )
        })
        .collect();
    let has = |role: &str, change: &str, wide: bool| {
        roles
            .iter()
            .any(|(r, c, w)| r == role && c == change && *w == wide)
    };
    assert!(has("policies/app.json", "modified", true), "{roles:?}");
    assert!(has("Resources.NewRole", "added", true), "{roles:?}");
    assert!(has("Resources.GoneRole", "removed", false), "{roles:?}");
    // Moved unchanged: not reported at all; untouched StayRole neither.
    assert!(
        !roles
            .iter()
            .any(|(r, ..)| r == "Resources.DeployRole" || r == "Resources.StayRole"),
        "{roles:?}"
    );
    let gone = doc["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["role"] == "Resources.GoneRole")
        .unwrap();
    assert_eq!(gone["base"]["file"], "HEAD:stacks/old.yaml");
    assert!(gone["head"].is_null());
}

#[test]
fn git_mode_moved_and_widened_role_is_one_role_with_a_replayable_witness() {
    let dir = repo_with(&[(
        "a.yaml",
        &template(&[cfn_role("DeployRole", "repo:acme/app:ref:refs/heads/main")]),
    )]);
    let d = dir.path();
    std::fs::remove_file(d.join("a.yaml")).unwrap();
    write(
        d,
        "b.yaml",
        &template(&[cfn_role("DeployRole", "repo:acme/app:ref:refs/heads/*")]),
    );
    let run = run_in(d, &["diff", "--git", "HEAD", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc = json(&run);
    let roles = doc["roles"].as_array().unwrap();
    assert_eq!(roles.len(), 1, "{roles:?}");
    assert_eq!(roles[0]["change"], "moved");
    assert_eq!(roles[0]["base"]["file"], "HEAD:a.yaml");
    assert_eq!(roles[0]["head"]["file"], "b.yaml");
    // The witness replays: HEAD's role admits it.
    let w = &roles[0]["widened"][0]["witness"];
    write(d, "w.json", &w["claims"].to_string());
    let check = run_in(
        d,
        &[
            "check",
            "b.yaml",
            "--resource",
            "DeployRole",
            "--claims",
            "w.json",
        ],
    );
    assert_eq!(
        check.code, 0,
        "HEAD allows the witness: {}{}",
        check.stdout, check.stderr
    );
    let base = template(&[cfn_role("DeployRole", "repo:acme/app:ref:refs/heads/main")]);
    write(d, "base-copy.yaml", &base);
    let check = run_in(d, &["check", "base-copy.yaml", "--claims", "w.json"]);
    assert_eq!(check.code, 1, "BASE denies the witness: {}", check.stdout);
}

#[test]
fn git_mode_reads_terraform_per_module() {
    let main_tf = format!(
        r#"resource "aws_iam_role" "deploy" {{
  name = "deploy"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Principal = {{ Federated = "arn:aws:iam::111122223333:oidc-provider/{GITHUB}" }}
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {{
        StringEquals = {{ "{GITHUB}:aud" = "sts.amazonaws.com" }}
        StringLike   = {{ "{GITHUB}:sub" = var.subject }}
      }}
    }}]
  }})
}}
"#
    );
    let vars = |sub: &str| format!("variable \"subject\" {{\n  default = \"{sub}\"\n}}\n");
    let dir = repo_with(&[
        ("infra/main.tf", &main_tf),
        (
            "infra/variables.tf",
            &vars("repo:acme/app:ref:refs/heads/main"),
        ),
    ]);
    let d = dir.path();
    // Only variables.tf changes, and that widens the role declared in main.tf.
    write(d, "infra/variables.tf", &vars("repo:acme/*"));
    let run = run_in(d, &["diff", "--git", "HEAD", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let doc = json(&run);
    let roles = doc["roles"].as_array().unwrap();
    assert_eq!(roles.len(), 1, "{roles:?}");
    assert_eq!(roles[0]["role"], "aws_iam_role.deploy");
    assert_eq!(roles[0]["head"]["file"], "infra/main.tf");
    assert_eq!(roles[0]["base"]["file"], "HEAD:infra/main.tf");
    // Put back: nothing changed.
    write(
        d,
        "infra/variables.tf",
        &vars("repo:acme/app:ref:refs/heads/main"),
    );
    let run = run_in(d, &["diff", "--git", "HEAD"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("no trust policy changed"),
        "{}",
        run.stdout
    );
}

#[test]
fn git_mode_errors_exit_2() {
    let dir = repo_with(&[(
        "p.json",
        &github_policy("repo:acme/app:ref:refs/heads/main"),
    )]);
    let d = dir.path();
    let bad_rev = run_in(d, &["diff", "--git", "no-such-rev"]);
    assert_eq!(bad_rev.code, 2);
    assert!(bad_rev.stderr.contains("no-such-rev"), "{}", bad_rev.stderr);
    write(
        d,
        "p.json",
        "{\"Version\": \"2012-10-17\", \"Statement\": [",
    );
    let broken = run_in(d, &["diff", "--git", "HEAD"]);
    assert_eq!(broken.code, 2);
    assert!(
        broken.stderr.contains("p.json:1:"),
        "located: {}",
        broken.stderr
    );
    let outside = tempfile::tempdir().unwrap();
    let no_repo = run_in(outside.path(), &["diff", "--git", "HEAD"]);
    assert_eq!(no_repo.code, 2);
    assert!(no_repo.stderr.contains("git"), "{}", no_repo.stderr);
}

#[test]
fn ci_formats_carry_each_way_in_at_heads_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "base.json",
        &github_policy("repo:acme/app:ref:refs/heads/main"),
    );
    write(d, "head.json", &github_policy("repo:acme/*"));
    let gh = run_in(d, &["diff", "base.json", "head.json", "--format", "github"]);
    assert_eq!(gh.code, 1);
    assert!(
        gh.stdout
            .lines()
            .all(|l| l.starts_with("::error file=head.json,line=1,title=new access::")),
        "{}",
        gh.stdout
    );
    let sarif = run_in(d, &["diff", "base.json", "head.json", "--format", "sarif"]);
    assert_eq!(sarif.code, 1);
    let doc = json(&sarif);
    crate::lint_cli_sarif::assert_valid_sarif(
        &crate::lint_cli_sarif::sarif_validator(),
        &doc,
        "diff",
    );
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        assert_eq!(r["ruleId"], "new-access");
        assert_eq!(r["level"], "error");
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "head.json"
        );
        assert!(r["properties"]["witness"]["claims"]["sub"].is_string());
    }
    let bb = run_in(
        d,
        &["diff", "base.json", "head.json", "--format", "bitbucket"],
    );
    assert_eq!(bb.code, 1);
    let doc = json(&bb);
    assert_eq!(doc["report"]["result"], "FAILED");
    assert_eq!(doc["report"]["report_type"], "SECURITY");
    let annotations = doc["annotations"].as_array().unwrap();
    assert_eq!(annotations.len(), results.len());
    assert!(annotations
        .iter()
        .all(|a| a["severity"] == "HIGH" && a["path"] == "head.json"));
    let quiet = run_in(
        d,
        &["diff", "base.json", "base.json", "--format", "bitbucket"],
    );
    assert_eq!(quiet.code, 0);
    assert_eq!(json(&quiet)["report"]["result"], "PASSED");
}

#[test]
fn the_bundled_seed_policies_compare_as_documented() {
    // The environment policy admits a subset of what the repository policy admits.
    let seed = path("corpus/policies/seed");
    let narrow = run_in(
        &seed,
        &["diff", "policy-repository.json", "policy-environment.json"],
    );
    assert_eq!(narrow.code, 0, "{}{}", narrow.stdout, narrow.stderr);
    let wide = run_in(
        &seed,
        &["diff", "policy-environment.json", "policy-repository.json"],
    );
    assert_eq!(wide.code, 1, "{}{}", wide.stdout, wide.stderr);
}
