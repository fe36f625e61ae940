//! A document IAM would refuse to store, or that is not a policy at all. The parser reports
//! these (see `lint::invalid`); a document that parses has none, so this check has nothing to
//! add.

use crate::lint::{LintContext, Report, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "invalid-policy-document",
    summary: "the document is not a valid trust policy (IAM refuses it, or it is not JSON)",
    severity: Severity::Error,
    doc: include_str!("../../../rules/invalid-policy-document.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

fn check(_: &LintContext<'_>, _: &mut Report) {}
