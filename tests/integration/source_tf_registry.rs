//! Registry and remote Terraform modules (`corpus/sources/terraform/registry*`,
//! `malformed/manifest`): read from where `terraform init` installed them
//! (`.terraform/modules/modules.json`) with the call's arguments, or a located note saying they
//! were not read, counted in the run summary; a broken manifest is a located error.

use std::path::{Path, PathBuf};

use rolecall::lint::{self, Config};
use rolecall::policy;
use rolecall::source::terraform_hcl::read_roots;
use rolecall::source::{discover, Found, ReadOutput};

use crate::common::{self, found, line, line_of, rolecall};

const DIR: &str = "corpus/sources/terraform";
const INSTALLED: &str = ".terraform/modules/ci/modules/iam-github-oidc-role/main.tf";

/// The `.tf` files discovery finds under `rel` (which never walks `.terraform/`), read.
fn read(rel: &str) -> ReadOutput {
    read_dir(&common::path(&format!("{DIR}/{rel}")))
}

fn read_dir(dir: &Path) -> ReadOutput {
    let files: Vec<PathBuf> = discover(&[dir.to_path_buf()])
        .candidates
        .into_iter()
        .map(|c| c.path)
        .filter(|p| rolecall::source::is_terraform(p))
        .collect();
    assert!(
        files
            .iter()
            .all(|p| !p.to_string_lossy().contains(".terraform")),
        "{files:?}"
    );
    read_roots(&files)
}

fn rules(out: &ReadOutput, f: &Found) -> Vec<(&'static str, usize)> {
    let tree = f.tree.as_ref().unwrap();
    let policy = policy::from_node(tree, "").unwrap();
    lint::lint(&policy, &Config::default(), "")
        .iter()
        .map(|x| (x.rule, line(out, f.file, x.loc.span.start)))
        .collect()
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn a_registry_module_is_read_from_where_terraform_init_installed_it() {
    let out = read("registry");
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert!(out.notes.is_empty(), "{:?}", out.notes);
    let addresses: Vec<&str> = out.found.iter().map(|f| f.address.as_str()).collect();
    assert_eq!(addresses, ["module.ci.aws_iam_role.this[0]"]);
    let f = found(&out, "module.ci.aws_iam_role.this[0]");
    assert!(
        out.files[f.file].path.ends_with(INSTALLED),
        "{:?}",
        out.files[f.file].path
    );
    // The root's `subjects` argument decides, located where the module uses it.
    let want = line_of(&out, f.file, "values   = var.subjects");
    assert!(
        rules(&out, f).contains(&("cross-tenant-subject", want)),
        "{:?}",
        rules(&out, f)
    );
    let labels: Vec<(&str, &str)> = f
        .labels
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert!(
        labels.contains(&(
            "module.ci",
            "from terraform-aws-modules/iam/aws//modules/iam-github-oidc-role version 5.39.0"
        )),
        "{labels:?}"
    );
    let nested = labels
        .iter()
        .find(|(k, _)| *k == rolecall::source::cloudformation::NESTED_IN)
        .unwrap();
    assert!(nested.1.ends_with("registry/main.tf"), "{nested:?}");
}

#[test]
fn the_module_defaults_apply_where_the_call_passes_nothing() {
    let out = read("registry");
    let f = found(&out, "module.ci.aws_iam_role.this[0]");
    let tree = f.tree.as_ref().unwrap().to_value();
    let s = &tree["Statement"][0];
    assert_eq!(
        s["Principal"]["Federated"],
        "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    );
    assert_eq!(
        s["Condition"]["StringLike"]["token.actions.githubusercontent.com:sub"],
        "repo:acme*"
    );
    assert!(f.placeholders.is_empty(), "{:?}", f.placeholders);
}

#[test]
fn lint_reports_the_installed_file_the_module_and_a_working_reproduce_line() {
    let dir = format!("{DIR}/registry");
    let run = rolecall(&["lint", &dir, "--format", "json"], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = json(&run.stdout);
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "cross-tenant-subject")
        .unwrap();
    assert_eq!(f["file"], format!("{dir}/{INSTALLED}"));
    assert_eq!(f["role"], "module.ci.aws_iam_role.this[0]");
    assert_eq!(
        f["labels"]["module.ci"],
        "from terraform-aws-modules/iam/aws//modules/iam-github-oidc-role version 5.39.0"
    );
    assert!(!run.stderr.contains("not followed"), "{}", run.stderr);
    // `check ROOT --resource ADDRESS` decides the witness as the lint did.
    let witness = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(witness.path(), f["witness"]["claims"].to_string()).unwrap();
    let check = rolecall(
        &[
            "check",
            &format!("{dir}/main.tf"),
            "--resource",
            "module.ci.aws_iam_role.this[0]",
            "--claims",
            &witness.path().to_string_lossy(),
        ],
        None,
    );
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    assert!(check.stdout.starts_with("Allow"), "{}", check.stdout);
}

#[test]
fn without_terraform_init_each_remote_call_is_a_located_note() {
    let out = read("registry_uninit");
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let notes: Vec<(usize, &str)> = out
        .notes
        .iter()
        .map(|n| (line(&out, n.file, n.span.start), n.code))
        .collect();
    assert_eq!(notes, [(5, "not-followed"), (12, "not-followed")]);
    assert_eq!(
        out.notes[0].message,
        "module `ci` from `terraform-aws-modules/iam/aws//modules/iam-github-oidc-role` is not \
         read: run `terraform init` so rolecall can read .terraform/modules, or lint the \
         module's source"
    );
    assert!(out.notes[1]
        .message
        .contains("module `shared` from `git::https://"));
    // The source attribute's value, not the whole block.
    let n = &out.notes[0];
    assert!(out.files[n.file].text[n.span.clone()].starts_with("\"terraform-aws-modules/"));
}

#[test]
fn outputs_of_a_module_not_read_stay_placeholders_never_wildcards() {
    let out = read("registry_uninit");
    let whole = found(&out, "aws_iam_role.from_output");
    let e = whole.tree.as_ref().unwrap_err();
    assert_eq!(e.code, "unresolved-policy");
    assert!(
        e.message.contains("module.ci.trust_policy"),
        "{}",
        e.message
    );
    let pinned = found(&out, "aws_iam_role.pinned");
    let whats: Vec<&str> = pinned
        .placeholders
        .iter()
        .map(|p| p.what.as_str())
        .collect();
    assert_eq!(whats, ["module.shared.repo"]);
    let tree = pinned.tree.as_ref().unwrap().to_value();
    let sub = tree["Statement"][0]["Condition"]["StringEquals"]
        ["token.actions.githubusercontent.com:sub"]
        .as_str()
        .unwrap();
    assert_eq!(sub, "repo:acme/<module.shared.repo>:ref:refs/heads/main");
    assert!(!sub.contains(['*', '?', '$']), "{sub}");
}

#[test]
fn the_summary_counts_modules_not_followed_and_v_lists_them() {
    let dir = format!("{DIR}/registry_uninit");
    let quiet = rolecall(&["lint", &dir], None);
    // The exit code is the findings' (an unresolved policy is an error finding), and the
    // summary says what was not read even without -v.
    assert_eq!(quiet.code, 1, "{}", quiet.stderr);
    assert!(
        quiet
            .stderr
            .contains(", 2 module(s) or nested stack(s) not followed;"),
        "{}",
        quiet.stderr
    );
    assert!(!quiet.stderr.contains("note: "), "{}", quiet.stderr);
    let verbose = rolecall(&["lint", "-v", &dir], None);
    assert_eq!(verbose.code, 1);
    assert!(
        verbose.stderr.contains(&format!(
            "note: {dir}/main.tf:5:13: module `ci` from \
             `terraform-aws-modules/iam/aws//modules/iam-github-oidc-role` is not read: run \
             `terraform init`"
        )),
        "{}",
        verbose.stderr
    );
    assert!(
        verbose
            .stderr
            .contains(&format!("note: {dir}/main.tf:12:12: module `shared`")),
        "{}",
        verbose.stderr
    );
    // The file is read, not "skipped: holds no role".
    assert!(
        !verbose.stderr.contains(&format!("skipped {dir}")),
        "{}",
        verbose.stderr
    );
    assert!(
        verbose.stderr.contains("0 file(s) skipped"),
        "{}",
        verbose.stderr
    );
}

#[test]
fn a_root_with_only_an_uninstalled_module_is_not_a_clean_pass() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "module \"ci\" {\n  source   = \"terraform-aws-modules/iam/aws//modules/iam-github-oidc-role\"\n  subjects = [\"repo:acme*\"]\n}\n",
    )
    .unwrap();
    let path = dir.path().to_string_lossy().into_owned();
    let run = rolecall(&["lint", &path], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("1 module(s) or nested stack(s) not followed"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("no trust policy found"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_malformed_manifest_is_a_located_error_and_the_run_goes_on() {
    let out = read("malformed/manifest");
    let e = out
        .errors
        .iter()
        .find(|e| e.code == "invalid-module-manifest")
        .unwrap();
    assert!(out.files[e.file]
        .path
        .ends_with(".terraform/modules/modules.json"));
    assert_eq!(line(&out, e.file, e.span.start), 3);
    assert_eq!(out.notes.len(), 1, "{:?}", out.notes);
    assert!(
        out.notes[0]
            .message
            .contains("cannot be read (see its error)"),
        "{:?}",
        out.notes
    );
    // With another root in the same run, that root's roles are still linted.
    let run = rolecall(
        &[
            "lint",
            "--format",
            "json",
            &format!("{DIR}/malformed/manifest"),
            &format!("{DIR}/registry"),
        ],
        None,
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    let report = json(&run.stdout);
    let errors = report["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| {
            e["code"] == "invalid-module-manifest"
                && e["line"] == 3
                && e["file"].as_str().is_some_and(|f| {
                    f.ends_with("malformed/manifest/.terraform/modules/modules.json")
                })
        }),
        "{errors:?}"
    );
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "cross-tenant-subject"
            && f["role"] == "module.ci.aws_iam_role.this[0]"));
}

/// A root in a temporary directory with `main.tf` and a manifest, and installed modules'
/// files: (path relative to the root, text).
fn tree(main: &str, manifest: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("main.tf", main);
    write(".terraform/modules/modules.json", manifest);
    for (rel, text) in files {
        write(rel, text);
    }
    dir
}

const ROLE: &str = r#"
variable "sub" {
  default = "repo:acme/app:ref:refs/heads/main"
}
resource "aws_iam_role" "r" {
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity",
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" },
      Condition = { StringLike = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub" = var.sub } } }]
  })
}
"#;

#[test]
fn nested_installed_modules_are_found_by_their_dotted_key() {
    let dir = tree(
        "module \"ci\" {\n  source = \"acme/ci/aws\"\n  sub    = \"repo:acme*\"\n}\n",
        r#"{"Modules":[{"Key":"","Source":"","Dir":"."},
          {"Key":"ci","Source":"registry.terraform.io/acme/ci/aws","Version":"1.0.0","Dir":".terraform/modules/ci"},
          {"Key":"ci.inner","Source":"git::https://example.com/inner.git","Dir":".terraform/modules/ci.inner"}]}"#,
        &[
            (
                ".terraform/modules/ci/main.tf",
                "variable \"sub\" {}\nmodule \"inner\" {\n  count  = 2\n  source = \"git::https://example.com/inner.git\"\n  sub    = var.sub\n}\n",
            ),
            (".terraform/modules/ci.inner/main.tf", ROLE),
        ],
    );
    let out = read_dir(dir.path());
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert!(out.notes.is_empty(), "{:?}", out.notes);
    let addresses: Vec<&str> = out.found.iter().map(|f| f.address.as_str()).collect();
    assert_eq!(
        addresses,
        [
            "module.ci.module.inner[0].aws_iam_role.r",
            "module.ci.module.inner[1].aws_iam_role.r"
        ]
    );
    let f = &out.found[0];
    let keys: Vec<&str> = f.labels.iter().map(|(k, _)| k.as_str()).collect();
    assert!(
        keys.contains(&"module.ci") && keys.contains(&"module.ci.inner"),
        "{keys:?}"
    );
    assert!(rules(&out, f)
        .iter()
        .any(|(r, _)| *r == "cross-tenant-subject"));
}

#[test]
fn a_call_the_manifest_does_not_record_or_whose_dir_is_gone_is_a_note() {
    let dir = tree(
        "module \"ci\" {\n  source = \"acme/ci/aws\"\n}\nmodule \"gone\" {\n  source = \"acme/gone/aws\"\n}\n",
        r#"{"Modules":[{"Key":"gone","Source":"registry.terraform.io/acme/gone/aws","Dir":".terraform/modules/gone"}]}"#,
        &[],
    );
    let out = read_dir(dir.path());
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let messages: Vec<&str> = out.notes.iter().map(|n| n.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].contains("records no module `ci`"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("module `gone` from `acme/gone/aws` is not read")
            && messages[1].contains("which is not a directory"),
        "{messages:?}"
    );
    assert_eq!(line(&out, out.notes[1].file, out.notes[1].span.start), 5);
}
