//! A `sub` condition that pins the repository but not the branch, tag or event: any branch
//! (including unreviewed ones) or pull request of the repository can assume the role.

use super::{admitting_value, sub_value_loc, witness_sub, words};
use crate::lint::context::{ProviderView, StatementView};
use crate::lint::shape;
use crate::lint::{LintContext, Report, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "any-ref-subject",
    summary: "the `sub` condition admits any branch, tag or pull request of the repository",
    severity: Severity::Note,
    doc: include_str!("../../../rules/any-ref-subject.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for (s, view) in ctx.statements.iter().enumerate() {
        for (i, p) in view.providers.iter().enumerate() {
            let Some(breadth) = ctx.breadth(s, i) else {
                continue;
            };
            let Some(w) = breadth.any_ref.clone() else {
                continue;
            };
            // Only the model tells refs that end in the value's text from any ref.
            let exact = breadth.pull_requests.is_some();
            let sub = witness_sub(&w).to_string();
            let loc = sub_value_loc(view, p, &sub);
            let project = words::project(p);
            let message = match p.profile {
                Some(profile) if words::is_change_request(profile, &sub) => format!(
                    "this `sub` condition admits {}s of the {project}, whose code nobody has \
                     reviewed yet: `{sub}` matches it",
                    words::change_request_noun(profile)
                ),
                Some(profile) => {
                    // Named from the policy's value (what it admits), not from the one witness.
                    let admitting = admitting_value(view, p, &sub);
                    let value = admitting.map(|(_, pattern)| pattern).map_or_else(
                        || sub.chars().map(shape::Glob::Char).collect(),
                        shape::of_value,
                    );
                    let described =
                        admitting.and_then(|(v, _)| words::ref_prefixes(profile, &v.raw, &value));
                    // A value that ends in literal text admits other refs only where its
                    // wildcard reaches into the ref: those whose names end in that text.
                    let pinned_end =
                        exact && admitting.is_some_and(|(v, _)| !v.raw.ends_with(['*', '?']));
                    let what = described.unwrap_or_else(|| {
                        let refs = words::refs_of(profile, &value, admits_requests(ctx, view, p));
                        if pinned_end {
                            format!(
                                "{refs}s other than the one it pins, whose names end in its text,"
                            )
                        } else {
                            format!("any {refs}")
                        }
                    });
                    format!(
                        "this `sub` condition admits {what} of the {project}: `{sub}` matches it"
                    )
                }
                None => format!(
                    "this `sub` condition admits any ref of the {project}: `{sub}` matches it"
                ),
            };
            let finding = report
                .finding(&loc, message)
                .help(match p.profile.and_then(words::pinned_example) {
                    Some(e) => {
                        format!("pin the branch, environment or phase that deploys, as in `{e}`")
                    }
                    None => "pin the branch, environment or phase that deploys".to_string(),
                })
                .witness(Some(w));
            report.push(finding);
        }
    }
}

/// Does the policy admit a pull or merge request of its own project through this statement? A
/// statement that denies them (a `StringNotLike` on `*:pull_request`, or a `Deny` statement
/// beside it) does not, whatever its `sub` value.
fn admits_requests(ctx: &LintContext<'_>, view: &StatementView<'_>, p: &ProviderView<'_>) -> bool {
    // The model decided it with the breadth.
    let provider = view
        .providers
        .iter()
        .position(|q| std::ptr::eq(q, p))
        .and_then(|i| ctx.breadth(view.index, i));
    // Every any-ref witness is the model's, which decides this with it.
    provider.and_then(|b| b.pull_requests).unwrap_or(false)
}
