//! A trust statement for an AWS service principal without `aws:SourceArn`,
//! `aws:SourceAccount` or `aws:SourceOrgID`: the service can be made to assume the role on
//! behalf of another customer (the confused deputy problem).

use crate::lint::{LintContext, Report, Rule, Severity};
use crate::policy::{Effect, Principal, PrincipalKind};

pub const RULE: Rule = Rule {
    id: "unguarded-service-principal",
    summary:
        "a service principal without `aws:SourceArn`/`aws:SourceAccount` invites a confused deputy",
    severity: Severity::Note,
    doc: include_str!("../../../rules/unguarded-service-principal.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

const GUARDS: &[&str] = &[
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
];

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in &ctx.statements {
        let s = view.statement;
        let Principal::Entries(entries, _) = &s.principal else {
            continue;
        };
        if s.effect != Effect::Allow {
            continue;
        }
        let guarded = s
            .conditions
            .iter()
            .any(|c| GUARDS.contains(&c.key_lower.as_str()) && !c.operator.base.is_negated());
        if guarded {
            continue;
        }
        for e in entries.iter().filter(|e| e.kind == PrincipalKind::Service) {
            report.push(
                report
                    .finding(
                        &e.loc,
                        format!(
                            "`{}` may assume this role for any customer's resource: no \
                             `aws:SourceArn` or `aws:SourceAccount` condition",
                            e.value
                        ),
                    )
                    .help("add `StringEquals` on `aws:SourceAccount` (and `ArnLike` on `aws:SourceArn`)"),
            );
        }
    }
}
