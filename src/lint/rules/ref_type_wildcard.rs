//! A `sub` value that pins the project and the ref name but leaves the ref type open
//! (GitLab `ref_type:*:ref:main`): a tag named like the protected branch, which tag
//! protection rarely covers, can assume the role.

use super::{sub_value_loc, witness_sub, words};
use crate::lint::breadth::ref_name;
use crate::lint::{LintContext, Report, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "ref-type-wildcard",
    summary:
        "the `sub` condition admits a branch and a tag of the same name: a tag named like the \
              branch gets in",
    severity: Severity::Warning,
    doc: include_str!("../../../rules/ref-type-wildcard.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for (s, view) in ctx.statements.iter().enumerate() {
        for (i, p) in view.providers.iter().enumerate() {
            let Some(w) = ctx.breadth(s, i).and_then(|b| b.ref_type.clone()) else {
                continue;
            };
            let sub = witness_sub(&w).to_string();
            let loc = sub_value_loc(view, p, &sub);
            let project = words::project(p);
            let name = ref_name(&sub);
            let kind = if sub.contains(":ref_type:branch:") {
                "branch"
            } else {
                "tag"
            };
            let finding = report
                .finding(
                    &loc,
                    format!(
                        "this `sub` condition leaves the ref type open, so a {kind} of the \
                         {project} named `{name}` gets in as well: `{sub}` matches it"
                    ),
                )
                .help(format!(
                    "name the kind of ref instead of a wildcard: `ref_type:branch` for the branch \
                     `{name}`, or `ref_type:tag` for the tag"
                ))
                .witness(Some(w));
            report.push(finding);
        }
    }
}
