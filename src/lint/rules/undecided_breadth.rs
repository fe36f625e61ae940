//! A statement whose `sub` breadth the exact model cannot decide: a construct it does not
//! cover exactly, a search past its caps, or a provider form it does not model yet. The breadth
//! rules (cross-tenant, tenant-wide, any-ref, ref-type) read their answers off the model only,
//! so such a statement gets this one finding instead of a guess: a gate must not pass what it
//! cannot decide.

use crate::lint::{LintContext, Report, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "undecided-breadth",
    summary: "the exact model cannot decide how far this statement's `sub` condition reaches",
    severity: Severity::Error,
    doc: include_str!("../../../rules/undecided-breadth.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for (s, view) in ctx.statements.iter().enumerate() {
        // One finding per statement: the model answers for the statement, not per provider.
        let why = view
            .providers
            .iter()
            .enumerate()
            .find_map(|(i, _)| ctx.breadth(s, i).and_then(|b| b.undecided.clone()));
        let Some(why) = why else {
            continue;
        };
        let finding = report
            .finding(
                &view.statement.loc,
                format!(
                    "rolecall cannot decide which identities this statement admits, so its \
                     `sub` breadth is unchecked: {why}"
                ),
            )
            .help(
                "rewrite the construct the message names (or split the statement) so the model \
                 can decide it, or suppress this finding for the statement after reviewing it \
                 by hand",
            );
        report.push(finding);
    }
}
