//! `rolecall lint`: walk the inputs, lint every trust policy, render, and exit 0 (clean),
//! 1 (findings at or above `--fail-on`) or 2 (error).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use rolecall::json;
use rolecall::lint::fix::{FixMode, FixOptions, FixedFile};
use rolecall::lint::{self, Config, LintOptions, LintRun, Severity};

use super::diag::Diag;
use super::output::lint::{carries_errors, render, Located};
use super::{fail, input as files};

#[derive(Args)]
pub struct LintArgs {
    /// Trust-policy files, `aws iam get-role` / `get-account-authorization-details` output, or
    /// directories (walked as ripgrep walks them for `.json`, `.yaml`, `.yml`, `.template`,
    /// `.tf` and `.tf.json` files, each read by content; files that hold no trust policy are
    /// skipped).
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
    /// Exit 0 when no trust policy is found at all (by default that is an error: an empty
    /// gate is almost always a wrong path).
    #[arg(long)]
    pub allow_empty: bool,
    /// Say which files were skipped, and why, and which nested stacks were not followed.
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// Apply the fixes the model proves keep or narrow access (each file written atomically;
    /// the findings that remain decide the exit code). Fixes that cannot be proven are shown
    /// as suggestions, in every format.
    #[arg(long)]
    pub fix: bool,
    /// With --fix: write nothing, print the changes as a unified diff.
    #[arg(long, requires = "fix")]
    pub dry_run: bool,
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
    let config = match load_config(args.config.as_deref()) {
        Ok(c) => c,
        Err(diags) => return fail(&diags),
    };
    let known = match args.baseline.as_deref().map(load_baseline).transpose() {
        Ok(k) => k,
        Err(d) => return fail(&[d]),
    };
    let mut options = LintOptions::default();
    if let Some(j) = args.jobs {
        options.jobs = usize::from(j);
    }
    // The HTML report shows each role's `who` summary next to its findings.
    options.who = args.format == LintFormat::Html;
    let (mut run, fixed) = if args.fix {
        let mode = if args.dry_run {
            FixMode::DryRun
        } else {
            FixMode::Write
        };
        let done = lint::fix::fix_paths(
            &args.paths,
            &config,
            &FixOptions {
                lint: options,
                mode,
            },
        );
        (done.run, done.files)
    } else {
        (lint::lint_paths(&args.paths, &config, &options), Vec::new())
    };
    let errors = std::mem::take(&mut run.errors);
    let summary = summary(&run, &errors, args.verbose);
    let mut located = Located::all(std::mem::take(&mut run.linted));
    let mut baselined = 0;
    if let Some(known) = &known {
        let before = located.len();
        located.retain(|l| !known.contains(&l.fingerprint()));
        baselined = before - located.len();
    }
    if let Some(dir) = &args.witness_dir {
        if let Err(d) = super::witness_dir::save(dir, &mut located) {
            return fail(&[d]);
        }
    }
    let threshold = args.fail_on.severity();
    let failing = located.iter().any(|l| l.finding.severity >= threshold);
    // The files' problems first, on stderr, so they are not lost above a long report.
    let diags: String = errors
        .iter()
        .map(|e| Diag::from_source_error(e).render())
        .collect();
    super::emit("", &diags);
    // A run that linted nothing has no report, except in JSON, which always has one, and in
    // the formats that carry the files' errors when there are some.
    let fix_diff = if args.dry_run {
        unified_diff(&fixed)
    } else {
        String::new()
    };
    if args.format != LintFormat::Text {
        super::emit("", &fix_diff);
    }
    let report = run.policies > 0
        || args.format == LintFormat::Json
        || (!errors.is_empty() && carries_errors(args.format));
    if report {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        if args.format == LintFormat::Text {
            let _ = out.write_all(fix_diff.as_bytes());
        }
        // A closed pipe (`| head`) is not an error of the lint.
        let _ =
            render(args.format, &located, baselined, &errors, &mut out).and_then(|()| out.flush());
    }
    let empty = run.policies == 0 && errors.is_empty() && !args.allow_empty;
    let mut tail = summary;
    if args.fix {
        tail.push_str(&fix_summary(&fixed, args.dry_run));
    }
    if empty {
        tail.push_str(
            "error: no trust policy found in the paths given (pass --allow-empty if that is \
             expected)\n",
        );
    }
    super::emit("", &tail);
    if !errors.is_empty() || empty {
        ExitCode::from(super::EXIT_ERROR)
    } else {
        ExitCode::from(u8::from(failing))
    }
}

/// What `--fix` did (or, dry, would do), for stderr.
fn fix_summary(fixed: &[FixedFile], dry_run: bool) -> String {
    let fixes: usize = fixed.iter().map(|f| f.applied.len()).sum();
    let verb = if dry_run { "would fix" } else { "fixed" };
    let mut out = String::new();
    for f in fixed {
        for (rule, what) in &f.applied {
            out.push_str(&format!("{verb} {}: {rule}: {what}\n", f.name));
        }
    }
    out.push_str(&format!(
        "rolecall: --fix {verb} {fixes} finding(s) in {} file(s)\n",
        fixed.len()
    ));
    out
}

/// `--fix --dry-run`: each changed file as a unified diff (`a/`, `b/` paths, 3 lines of context).
fn unified_diff(fixed: &[FixedFile]) -> String {
    fixed
        .iter()
        .map(|f| {
            similar::TextDiff::from_lines(&*f.before, f.after.as_str())
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{}", f.name), &format!("b/{}", f.name))
                .to_string()
        })
        .collect()
}

/// The run's summary line for stderr (with how many modules or nested stacks were not
/// followed), and with `verbose` the skipped files and what a reader did not follow (a remote
/// nested stack, a registry module without `terraform init`), one a line.
fn summary(run: &LintRun, errors: &[rolecall::source::SourceError], verbose: bool) -> String {
    let (e, w, n) = run.counts();
    let mut out = String::new();
    if verbose {
        for s in &run.skipped {
            out.push_str(&format!("skipped {}: {}\n", s.name, s.reason));
        }
        for n in &run.notes {
            out.push_str(&format!("note: {}\n", n.located_message()));
        }
    }
    let unreadable = if errors.is_empty() {
        String::new()
    } else {
        format!(", {} file error(s)", errors.len())
    };
    // What was not read is said without -v too: a gate whose roles come from a module it
    // could not read must not look clean.
    let unfollowed = run
        .notes
        .iter()
        .filter(|n| n.code == "not-followed")
        .count();
    let unfollowed = if unfollowed == 0 {
        String::new()
    } else {
        format!(", {unfollowed} module(s) or nested stack(s) not followed")
    };
    out.push_str(&format!(
        "rolecall: {} file(s) read, {} polic{} linted, {} file(s) skipped{unreadable}{unfollowed}; \
         findings: {e} error(s), {w} warning(s), {n} note(s)\n",
        run.files_read,
        run.policies,
        if run.policies == 1 { "y" } else { "ies" },
        run.skipped.len(),
    ));
    out
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
    let text = String::from_utf8_lossy(&bytes).into_owned();
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
