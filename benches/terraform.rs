//! Reading and linting a generated Terraform repository: 1,000 `.tf` files in 50 module
//! directories, one `aws_iam_role` each, the styles in turn (`jsonencode` with locals, an
//! indented heredoc with a variable, `aws_iam_policy_document` with a `dynamic "condition"`,
//! a string literal). One iteration is what `lint` does with them on one thread:
//! `terraform_hcl::read_roots` over every path, then `policy::from_node` and `lint::lint` of
//! every role.
//!
//! `cargo bench --bench terraform -- --once DIR` writes the repository to DIR, reads and lints
//! it once, prints the wall time and exits (for `/usr/bin/time -v`'s peak memory).
//! `-- --write DIR` only writes it, to measure the CLI on it:
//! `/usr/bin/time -v target/release/rolecall lint DIR` (numbers in the closing note).

mod common;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, SamplingMode, Throughput};

use rolecall::lint::{self, Config};
use rolecall::source::terraform_hcl;

/// Files (and roles) under `cargo bench`.
const FILES: usize = 1_000;
/// Under `cargo test --benches`, where the benchmark runs once in debug.
const TEST_FILES: usize = 100;
const PER_DIR: usize = 20;

const GITHUB: &str = "token.actions.githubusercontent.com";

fn role(i: usize) -> String {
    let head = if i.is_multiple_of(PER_DIR) {
        format!(
            "locals {{\n  account = \"111122223333\"\n  owner   = \"acme\"\n  subjects = [\"repo:acme/app{i}:ref:refs/heads/main\", \"repo:acme/app{i}:environment:prod\"]\n}}\n\nvariable \"repo\" {{\n  default = \"app{i}\"\n}}\n\n"
        )
    } else {
        String::new()
    };
    let body = match i % 4 {
        0 => format!(
            r#"resource "aws_iam_role" "r{i}" {{
  name = "r{i}"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Principal = {{ Federated = "arn:aws:iam::${{local.account}}:oidc-provider/{GITHUB}" }}
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {{
        StringEquals = {{ "{GITHUB}:aud" = "sts.amazonaws.com" }}
        StringLike   = {{ "{GITHUB}:sub" = "repo:${{local.owner}}/app{i}:ref:refs/heads/*" }}
      }}
    }}]
  }})
}}
"#
        ),
        1 => format!(
            r#"resource "aws_iam_role" "r{i}" {{
  name               = "r{i}"
  assume_role_policy = <<-EOT
    {{
      "Version": "2012-10-17",
      "Statement": [{{
        "Effect": "Allow",
        "Principal": {{ "Federated": "arn:aws:iam::111122223333:oidc-provider/{GITHUB}" }},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {{
          "StringEquals": {{ "{GITHUB}:aud": "sts.amazonaws.com", "{GITHUB}:sub": "repo:acme/${{var.repo}}:ref:refs/heads/main" }}
        }}
      }}]
    }}
  EOT
}}
"#
        ),
        2 => format!(
            r#"data "aws_iam_policy_document" "d{i}" {{
  statement {{
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {{
      type        = "Federated"
      identifiers = ["arn:aws:iam::${{local.account}}:oidc-provider/{GITHUB}"]
    }}
    condition {{
      test     = "StringEquals"
      variable = "{GITHUB}:aud"
      values   = ["sts.amazonaws.com"]
    }}
    dynamic "condition" {{
      for_each = local.subjects
      content {{
        test     = "StringLike"
        variable = "{GITHUB}:sub"
        values   = [condition.value]
      }}
    }}
  }}
}}

resource "aws_iam_role" "r{i}" {{
  name               = "r{i}"
  assume_role_policy = data.aws_iam_policy_document.d{i}.json
}}
"#
        ),
        _ => format!(
            r#"resource "aws_iam_role" "r{i}" {{
  name               = "r{i}"
  assume_role_policy = "{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Principal\":{{\"Federated\":\"arn:aws:iam::111122223333:oidc-provider/{GITHUB}\"}},\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":{{\"StringLike\":{{\"{GITHUB}:sub\":\"repo:acme*\"}}}}}}]}}"
}}
"#
        ),
    };
    head + &body
}

/// Write the repository under `dir`; the `.tf` paths, sorted.
fn write_repo(dir: &Path, files: usize) -> Vec<PathBuf> {
    let mut paths = Vec::with_capacity(files);
    for i in 0..files {
        let d = dir.join(format!("stacks/s{:02}", i / PER_DIR));
        if i.is_multiple_of(PER_DIR) {
            let _ = std::fs::create_dir_all(&d);
        }
        let p = d.join(format!("role{i:04}.tf"));
        if let Err(e) = std::fs::write(&p, role(i)) {
            eprintln!("cannot write {}: {e}", p.display());
            std::process::exit(1);
        }
        paths.push(p);
    }
    paths
}

/// Read and lint every role; (roles linted, findings).
fn read_and_lint(paths: &[PathBuf], config: &Config) -> (usize, usize) {
    let out = terraform_hcl::read_roots(paths);
    let mut roles = 0;
    let mut findings = 0;
    for f in &out.found {
        let Ok(tree) = &f.tree else { continue };
        let origin = out
            .files
            .get(f.file)
            .map(|s| s.path.to_string_lossy())
            .unwrap_or_default();
        if let Ok(policy) = rolecall::policy::from_node(tree, "") {
            roles += 1;
            findings += lint::lint(&policy, config, &origin).len();
        }
    }
    (roles, findings)
}

fn main() {
    let config = Config::default();
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--write") {
        let Some(dir) = args.get(i + 1) else {
            eprintln!("usage: --write DIR");
            std::process::exit(2);
        };
        let paths = write_repo(Path::new(dir), FILES);
        println!("{} files written under {dir}", paths.len());
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--once") {
        let Some(dir) = args.get(i + 1) else {
            eprintln!("usage: --once DIR");
            std::process::exit(2);
        };
        let paths = write_repo(Path::new(dir), FILES);
        let start = Instant::now();
        let (roles, findings) = read_and_lint(&paths, &config);
        println!(
            "{} files, {roles} roles linted, {findings} findings in {:.1} ms",
            paths.len(),
            start.elapsed().as_secs_f64() * 1e3
        );
        std::process::exit(if roles == FILES { 0 } else { 1 });
    }
    let files = if common::is_bench_run() {
        FILES
    } else {
        TEST_FILES
    };
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("no temporary directory: {e}");
            std::process::exit(1);
        }
    };
    let paths = write_repo(dir.path(), files);
    let (roles, _) = read_and_lint(&paths, &config);
    if roles != files {
        eprintln!("only {roles} of {files} roles were read and linted");
        std::process::exit(1);
    }
    let mut c = common::criterion();
    let mut g = c.benchmark_group("terraform");
    g.sampling_mode(SamplingMode::Flat);
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(300));
    g.measurement_time(Duration::from_secs(3));
    g.throughput(Throughput::Elements(files as u64));
    g.bench_function(BenchmarkId::new("read-lint", files), |b| {
        b.iter(|| read_and_lint(black_box(&paths), &config))
    });
    g.finish();
    c.final_summary();
}
