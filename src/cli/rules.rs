//! `rolecall rules [ID]`: the catalogue, or one rule's documentation.

use std::fmt::Write;
use std::process::ExitCode;

use clap::Args;
use rolecall::lint;

use super::diag::Diag;
use super::{emit, fail};

#[derive(Args)]
pub struct RulesArgs {
    /// A rule id: print its documentation.
    pub id: Option<String>,
}

pub fn run(args: &RulesArgs) -> ExitCode {
    match &args.id {
        Some(id) => match lint::rule(id) {
            Some(rule) => {
                emit(rule.doc, "");
                ExitCode::SUCCESS
            }
            None => fail(&[Diag::error(
                "rolecall::unknown-rule",
                format!("no rule is called `{id}`; `rolecall rules` lists them"),
            )]),
        },
        None => {
            // Columns: id, default severity, what `lint --fix` can do (auto, suggestion, none).
            let mut out = String::new();
            let width = lint::ALL.iter().map(|r| r.id.len()).max().unwrap_or(0);
            for r in lint::ALL {
                let _ = writeln!(
                    out,
                    "{:width$}  {:7}  {:10}  {}",
                    r.id,
                    r.severity.as_str(),
                    r.fix.as_str(),
                    r.summary
                );
            }
            emit(&out, "");
            ExitCode::SUCCESS
        }
    }
}
