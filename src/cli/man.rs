//! `rolecall man [COMMAND]`: the roff man page of rolecall or of one subcommand, generated
//! from the clap definition (`rolecall man lint | man -l -`).

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, CommandFactory};

use super::diag::Diag;

#[derive(Args)]
pub struct ManArgs {
    /// A subcommand (`lint`, `check`, ...): its page, `rolecall-COMMAND(1)`. Default: the
    /// page of `rolecall(1)`, which lists the subcommands.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

pub fn run(args: &ManArgs) -> ExitCode {
    let mut root = super::Cli::command().disable_help_subcommand(true);
    // Gives each subcommand its display name, `rolecall-lint`, which titles its page.
    root.build();
    let cmd = match &args.command {
        None => root,
        Some(name) => match root.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => {
                let known: Vec<&str> = root.get_subcommands().map(|s| s.get_name()).collect();
                return super::fail(&[Diag::error(
                    "rolecall::man",
                    format!("no subcommand `{name}`; one of: {}", known.join(", ")),
                )]);
            }
        },
    };
    let mut out = Vec::new();
    if let Err(e) = clap_mangen::Man::new(cmd)
        .source(format!("rolecall {}", env!("CARGO_PKG_VERSION")))
        .render(&mut out)
    {
        return super::fail(&[Diag::error("rolecall::man", e.to_string())]);
    }
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(&out).and_then(|()| stdout.flush());
    ExitCode::SUCCESS
}
