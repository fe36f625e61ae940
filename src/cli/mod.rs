//! The command line: argument parsing, dispatch and exit codes.

mod check;
mod completions;
mod diag;
mod diff;
mod input;
mod lint;
mod load;
mod man;
mod output;
mod policy;
mod rules;
mod who;
mod witness_dir;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code for a tool problem (bad input, unreadable file): distinct from any verdict.
pub const EXIT_ERROR: u8 = 2;

#[derive(Parser)]
#[command(
    name = "rolecall",
    version = env!("ROLECALL_VERSION"),
    about = "Who can assume this role, and would this token get in? Offline answers for AWS \
             IAM trust policies that federate CI OIDC tokens.",
    after_help = "Exit codes: check: 0 Allow, 1 Deny, 2 error. lint: 0 clean, 1 findings at or \
                  above --fail-on, 2 error. diff: 0 no new access, 1 new access, 2 error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Colour in diagnostics: `auto` colours a terminal unless `NO_COLOR` is set.
    #[arg(long, global = true, value_enum, default_value_t = diag::ColorWhen::Auto)]
    color: diag::ColorWhen,
}

#[derive(Subcommand)]
enum Command {
    /// Decide what STS decides for a token (or decoded claims), and explain why.
    Check(check::CheckArgs),
    /// Flag trust policies that are too broad or broken, each breadth finding with a witness.
    Lint(lint::LintArgs),
    /// List the lint rules, or print one rule's documentation.
    Rules(rules::RulesArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(completions::CompletionsArgs),
    /// Print the man page of rolecall or of one subcommand (roff).
    Man(man::ManArgs),
    /// List who can assume the role, per provider, each with a witness token.
    Who(who::WhoArgs),
    /// Does HEAD let anyone assume the role that BASE does not? Exit 1 when so.
    Diff(diff::DiffArgs),
    /// Print the tightest trust policy for a scope (JSON, CloudFormation, Terraform, CDK).
    Policy(policy::PolicyArgs),
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(EXIT_ERROR)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    diag::set_color(cli.color);
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Lint(args) => lint::run(&args),
        Command::Rules(args) => rules::run(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => man::run(&args),
        Command::Who(args) => who::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Policy(args) => policy::run(&args),
    }
}

/// Print the whole output at once, so an error never leaves half an answer behind.
fn emit(stdout: &str, stderr: &str) {
    if !stdout.is_empty() {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(stdout.as_bytes());
        let _ = out.flush();
    }
    if !stderr.is_empty() {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(stderr.as_bytes());
    }
}

/// Print error diagnostics to stderr and return the error exit code.
fn fail(diags: &[diag::Diag]) -> ExitCode {
    let text: String = diags.iter().map(diag::Diag::render).collect();
    emit("", &text);
    ExitCode::from(EXIT_ERROR)
}
