//! `rolecall completions SHELL`: a completion script generated from the same clap definition
//! that parses the arguments, so it never lags behind a new flag or subcommand.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell to complete for. Load it with e.g. `source <(rolecall completions bash)`.
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: &CompletionsArgs) -> ExitCode {
    let mut cmd = super::Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "rolecall", &mut out);
    let mut stdout = std::io::stdout().lock();
    // A closed pipe is not an error worth a diagnostic.
    let _ = stdout.write_all(&out).and_then(|()| stdout.flush());
    ExitCode::SUCCESS
}
