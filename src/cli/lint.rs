//! `rolecall lint`: walk the inputs, lint every trust policy, render, and exit 0 (clean),
//! 1 (findings at or above `--fail-on`) or 2 (error).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use clap::{Args, ValueEnum};
use rolecall::json;
use rolecall::lint::input::{self, FileKind, Layout};
use rolecall::lint::{self, Config, Severity};

use super::diag::{Diag, IndexedSource};
use super::output::lint::{render, EmbeddedSource, Located};
use super::{fail, input as files};

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
    /// Threads that lint the roles of a listing or account dump. Default: one per core.
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Save each finding's witness as `DIR/<rule>-<fingerprint hash>.json`, a claims file for
    /// `rolecall check --claims`; the text output's "reproduce" line names it.
    #[arg(long, value_name = "DIR")]
    pub witness_dir: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    Text,
    Json,
    Sarif,
    Github,
    Bitbucket,
    Html,
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
        Ok((mut located, baselined)) => {
            if let Some(dir) = &args.witness_dir {
                if let Err(d) = super::witness_dir::save(dir, &mut located) {
                    return fail(&[d]);
                }
            }
            let threshold = args.fail_on.severity();
            let failing = located.iter().any(|l| l.finding.severity >= threshold);
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            // A closed pipe (`| head`) is not an error of the lint.
            let _ = render(args.format, &located, baselined, &mut out).and_then(|()| out.flush());
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
        match lint_file(path, *named, &config, args.jobs) {
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

fn lint_file(
    path: &Path,
    named: bool,
    config: &Config,
    jobs: Option<u16>,
) -> Result<Vec<Located>, Diag> {
    let name = files::name(path);
    let bytes = files::read(path)?;
    let text = Arc::new(json::into_utf8(bytes).map_err(|e| {
        Diag::error(
            "rolecall::not_utf8",
            format!("{name}: not valid UTF-8 (byte offset {})", e.span.start),
        )
    })?);
    let layout = match input::layout(&text) {
        Ok(layout) => layout,
        Err(errors) => {
            let source = IndexedSource::new(&name, &text, Arc::new(json::LineIndex::new(&text)));
            return Err(errors
                .0
                .first()
                .map(|e| super::load::policy_error(e, &source))
                .unwrap_or_else(|| Diag::error("rolecall::invalid_json", name.clone())));
        }
    };
    if let Layout::Tree(root) = &layout {
        if !named && input::kind(root) == FileKind::Other {
            return Ok(Vec::new());
        }
    }
    let file = FileContext {
        name: &name,
        text: &text,
        lines: Arc::new(json::LineIndex::new(&text)),
        config,
    };
    let workers = jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
        usize::from,
    );
    match &layout {
        Layout::Roles(roles) if workers > 1 && roles.len() >= 2 * ROLES_PER_TASK => {
            lint_in_parallel(&file, roles, workers)
        }
        _ => {
            let mut out = Vec::new();
            input::for_each_in_layout(&layout, |doc| file.lint(doc, &mut out));
            Ok(out)
        }
    }
}

/// Roles a worker takes at a time: small enough to balance the load, big enough that taking
/// one costs nothing.
const ROLES_PER_TASK: usize = 64;

/// What linting one document needs to know about its file.
struct FileContext<'f> {
    name: &'f str,
    text: &'f Arc<String>,
    lines: Arc<json::LineIndex>,
    config: &'f Config,
}

impl FileContext<'_> {
    fn lint(&self, mut doc: input::Document, out: &mut Vec<Located>) {
        let origin = match &doc.role {
            Some(r) => format!("{}#{r}", self.name),
            None => self.name.to_string(),
        };
        let findings = match &doc.result {
            Ok(policy) => lint::lint(policy, self.config, &origin),
            Err(errors) => lint::invalid(errors)
                .into_iter()
                .filter(|_| !self.config.ignored(lint::INVALID_POLICY, &origin))
                .collect(),
        };
        if findings.is_empty() {
            return;
        }
        // The findings of a URL-encoded policy share one copy of its decoded text.
        let embedded = doc.embedded.take().map(EmbeddedSource::new);
        for f in findings {
            out.push(Located::new(
                self.name,
                self.text,
                &self.lines,
                doc.role.as_deref(),
                embedded.as_ref(),
                f,
            ));
        }
    }
}

/// Lint a listing's roles on every core. Workers take the next few roles from a shared
/// counter; the findings are put back in file order, so the output does not depend on
/// scheduling.
fn lint_in_parallel(
    file: &FileContext<'_>,
    roles: &[input::RoleText<'_>],
    workers: usize,
) -> Result<Vec<Located>, Diag> {
    let tasks: Vec<&[input::RoleText<'_>]> = roles.chunks(ROLES_PER_TASK).collect();
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done: Vec<(usize, Vec<Located>)> = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(task) = tasks.get(i) else {
                return done;
            };
            let mut out = Vec::new();
            for r in *task {
                file.lint(input::role(*r), &mut out);
            }
            done.push((i, out));
        }
    };
    let mut results: Vec<(usize, Vec<Located>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers.clamp(1, tasks.len()))
            .map(|_| scope.spawn(work))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .map_err(|_| Diag::error("rolecall::internal", "a lint worker failed"))
            })
            .collect::<Result<Vec<_>, Diag>>()
    })?
    .into_iter()
    .flatten()
    .collect();
    results.sort_unstable_by_key(|(i, _)| *i);
    Ok(results.into_iter().flat_map(|(_, out)| out).collect())
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
