//! `rolecall diff BASE HEAD` and `rolecall diff --git REV [PATHS]`: does HEAD let anyone new
//! assume the role? Exit 1 when access widened, 0 when not, 2 on error. The comparison is the
//! library's (`rolecall::diff::run`); this parses flags and renders.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use rolecall::diff::{self, DiffError, DiffRequest};
use rolecall::model::Options;

use super::diag::Diag;
use super::output::diff as render;
use super::{emit, fail, load};

#[derive(Args)]
pub struct DiffArgs {
    /// BASE and HEAD: any file `lint` reads; with `--git`, paths to limit the comparison to.
    pub paths: Vec<PathBuf>,
    /// Compare every trust policy changed since this git revision with its version there.
    #[arg(long, value_name = "REV")]
    pub git: Option<String>,
    /// The role to compare when BASE and HEAD hold several (its name or resource address).
    #[arg(long, value_name = "NAME", conflicts_with = "git")]
    pub resource: Option<String>,
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
    Github,
    Sarif,
    Bitbucket,
}

pub fn run(args: &DiffArgs) -> ExitCode {
    let request = match (&args.git, args.paths.as_slice()) {
        (Some(rev), paths) => DiffRequest::Git { rev, paths },
        (None, [base, head]) => DiffRequest::Files {
            base,
            head,
            resource: args.resource.as_deref(),
        },
        (None, _) => {
            return fail(&[Diag::error(
                "rolecall::usage",
                "diff takes BASE and HEAD policy files (or --git REV [PATHS])",
            )])
        }
    };
    let report = match diff::run(&request, &Options::default()) {
        Ok(r) => r,
        Err(e) => return fail(&diags(e)),
    };
    let out = match args.format {
        DiffFormat::Text => render::text(&report),
        DiffFormat::Json => render::json(&report),
        DiffFormat::Github => render::github(&report),
        DiffFormat::Sarif => render::sarif(&report),
        DiffFormat::Bitbucket => render::bitbucket(&report),
    };
    emit(&out, "");
    ExitCode::from(u8::from(report.new_access()))
}

fn diags(e: DiffError) -> Vec<Diag> {
    match e {
        DiffError::Git(m) => vec![Diag::error("rolecall::git", m)],
        DiffError::Load(e) => load::load_error(&e),
        DiffError::Source(errors) => errors.iter().map(Diag::from_source_error).collect(),
        DiffError::Invalid(doc) => match load::located(*doc) {
            Err(d) => d,
            Ok(_) => vec![Diag::error(
                "rolecall::invalid-policy-document",
                "invalid policy",
            )],
        },
        e @ DiffError::Model { .. } => vec![Diag::error("rolecall::model-error", e.to_string())],
    }
}
