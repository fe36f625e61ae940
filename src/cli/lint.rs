//! `rolecall lint`: walk the inputs, lint every trust policy, render, and exit 0 (clean),
//! 1 (findings at or above `--fail-on`) or 2 (error).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, ValueEnum};
use rolecall::json;
use rolecall::lint::input::{self, FileKind};
use rolecall::lint::{self, Config, Severity};

use super::diag::{Diag, IndexedSource};
use super::output::lint::{render, Located};
use super::{emit, fail, input as files};

#[derive(Args)]
pub struct LintArgs {
    /// Trust-policy files, `aws iam get-role` / `get-account-authorization-details` output, or
    /// directories (walked recursively for `.json` files; files that are not policies or IAM
    /// output are skipped unless named).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    pub format: LintFormat,
    /// Exit 1 when a finding at or above this severity remains.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
    /// Configuration file. Default: `rolecall.toml` in the current directory, if present.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A previous `--format json` report: findings already in it do not fail the run.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    Text,
    Json,
    Sarif,
    Github,
    Bitbucket,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
}

impl FailOn {
    fn severity(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Note => Severity::Note,
        }
    }
}

pub fn run(args: &LintArgs) -> ExitCode {
    match lint_all(args) {
        Ok((located, baselined)) => {
            let threshold = args.fail_on.severity();
            let failing = located.iter().any(|l| l.finding.severity >= threshold);
            emit(&render(args.format, &located, baselined), "");
            ExitCode::from(u8::from(failing))
        }
        Err(diags) => fail(&diags),
    }
}

fn lint_all(args: &LintArgs) -> Result<(Vec<Located>, usize), Vec<Diag>> {
    let config = load_config(args.config.as_deref())?;
    let mut targets: Vec<(PathBuf, bool)> = Vec::new();
    let mut errors = Vec::new();
    for p in &args.paths {
        if p.is_dir() {
            walk(p, &mut targets);
        } else {
            targets.push((p.clone(), true));
        }
    }
    let mut located = Vec::new();
    for (path, named) in &targets {
        match lint_file(path, *named, &config) {
            Ok(mut l) => located.append(&mut l),
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut baselined = 0;
    if let Some(b) = &args.baseline {
        let known = load_baseline(b).map_err(|d| vec![d])?;
        let before = located.len();
        located.retain(|l| !known.contains(&l.fingerprint()));
        baselined = before - located.len();
    }
    Ok((located, baselined))
}

/// `.json` files under `dir`, sorted, not following symlinked directories.
fn walk(dir: &Path, out: &mut Vec<(PathBuf, bool)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        out.push((dir.to_path_buf(), true));
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        let is_link = p
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink());
        if p.is_dir() && !is_link {
            let hidden = p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if !hidden
                && p.file_name()
                    .is_none_or(|n| n != "target" && n != "node_modules")
            {
                walk(&p, out);
            }
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push((p, false));
        }
    }
}

fn lint_file(path: &Path, named: bool, config: &Config) -> Result<Vec<Located>, Diag> {
    let name = files::name(path);
    let bytes = files::read(path)?;
    let text = json::decode_utf8(&bytes).map_err(|e| {
        Diag::error(
            "rolecall::not_utf8",
            format!("{name}: not valid UTF-8 (byte offset {})", e.span.start),
        )
    })?;
    let text = Arc::new(text.to_string());
    let root = match input::parse_file(&text) {
        Ok(root) => root,
        Err(errors) => {
            let source = IndexedSource::new(&name, &text, Arc::new(json::LineIndex::new(&text)));
            return Err(errors
                .0
                .first()
                .map(|e| super::load::policy_error(e, &source))
                .unwrap_or_else(|| Diag::error("rolecall::invalid_json", name.clone())));
        }
    };
    if !named && input::kind(&root) == FileKind::Other {
        return Ok(Vec::new());
    }
    let lines = Arc::new(json::LineIndex::new(&text));
    let mut out = Vec::new();
    input::for_each_document(&root, |doc| {
        let origin = match &doc.role {
            Some(r) => format!("{name}#{r}"),
            None => name.clone(),
        };
        let findings = match &doc.result {
            Ok(policy) => lint::lint(policy, config, &origin),
            Err(errors) => lint::invalid(errors)
                .into_iter()
                .filter(|_| !config.ignored(lint::INVALID_POLICY, &origin))
                .collect(),
        };
        for f in findings {
            out.push(Located::new(
                &name,
                &text,
                &lines,
                doc.role.as_deref(),
                doc.embedded.as_ref(),
                f,
            ));
        }
    });
    Ok(out)
}

fn load_config(path: Option<&Path>) -> Result<Config, Vec<Diag>> {
    let default = Path::new("rolecall.toml");
    let path = match path {
        Some(p) => p,
        None if default.is_file() => default,
        None => return Ok(Config::default()),
    };
    let name = files::name(path);
    let bytes = files::read(path).map_err(|d| vec![d])?;
    let text = Arc::new(String::from_utf8_lossy(&bytes).into_owned());
    lint::config_file::parse(&text, |id| lint::rule(id).is_some()).map_err(|e| {
        let mut d = Diag::error("rolecall::config", format!("{name}: {e}"));
        if let Some(span) = e.span.clone() {
            let (line, col) = json::line_col(&text, span.start);
            d = Diag::error("rolecall::config", format!("{name}:{line}:{col}: {e}"))
                .in_source(&name, &text)
                .primary(span, "here");
        }
        vec![d]
    })
}

fn load_baseline(path: &Path) -> Result<BTreeSet<String>, Diag> {
    let name = files::name(path);
    let bytes = files::read(path)?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        Diag::error(
            "rolecall::baseline",
            format!("{name}:{}:{}: not a JSON report: {e}", e.line(), e.column()),
        )
    })?;
    let findings = v
        .get("findings")
        .and_then(|f| f.as_array())
        .ok_or_else(|| {
            Diag::error(
                "rolecall::baseline",
                format!("{name}: not a `rolecall lint --format json` report (no `findings`)"),
            )
        })?;
    Ok(findings
        .iter()
        .filter_map(|f| {
            f.get("fingerprint")
                .and_then(|x| x.as_str())
                .map(str::to_string)
        })
        .collect())
}
