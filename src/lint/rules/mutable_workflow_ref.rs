//! A GitHub `job_workflow_ref` condition that names the reusable workflow by branch or tag
//! (or a wildcard) instead of a commit SHA: whoever can move that ref changes what runs with
//! the role.

use crate::lint::context::claim_of;
use crate::lint::{LintContext, Report, Rule, Severity};
use crate::request::ClaimSet;

pub const RULE: Rule = Rule {
    id: "mutable-workflow-ref",
    summary: "`job_workflow_ref` is pinned to a branch, tag or wildcard instead of a commit SHA",
    severity: Severity::Note,
    doc: include_str!("../../../rules/mutable-workflow-ref.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in ctx.statements.iter().filter(|v| v.allows_web_identity()) {
        for p in view
            .providers
            .iter()
            .filter(|p| p.claims == ClaimSet::GitHub)
        {
            for c in view.on_provider(p) {
                let claim = claim_of(&c.key_lower, &p.prefix_lower);
                if claim.as_deref() != Some("job_workflow_ref") || c.operator.base.is_negated() {
                    continue;
                }
                for v in c.values.iter().filter(|v| !pinned_to_sha(&v.raw)) {
                    report.push(
                        report
                            .finding(
                                &v.loc,
                                format!(
                                    "`{}` names the reusable workflow by a ref that can move",
                                    v.raw
                                ),
                            )
                            .help(
                                "pin the workflow to a full commit SHA: \
                                 `org/repo/.github/workflows/deploy.yml@<40-hex-sha>`",
                            ),
                    );
                }
            }
        }
    }
}

fn pinned_to_sha(value: &str) -> bool {
    value
        .rsplit_once('@')
        .is_some_and(|(_, r)| r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit()))
}
