//! A condition value IAM stores but that never matches, or that means less than it reads:
//! `10.0.0.0/33` under `IpAddress`, an empty value list, `Bool` on something other than `true`
//! or `false`, a number where text is expected, a CIDR with host bits set. The policy model
//! finds them while parsing (`policy::WarningKind`); this rule reports them.

use crate::lint::{LintContext, Report, Rule, Severity};
use crate::policy::WarningKind;

pub const RULE: Rule = Rule {
    id: "ineffective-condition-value",
    summary:
        "a condition value that never matches, or matches other than it reads (`10.0.0.0/33`, `[]`)",
    severity: Severity::Warning,
    doc: include_str!("../../../rules/ineffective-condition-value.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for w in &ctx.policy.warnings {
        let (severity, help) = match &w.kind {
            WarningKind::EmptyValues { .. } | WarningKind::EmptyArray { .. } => {
                (Severity::Warning, "list the values, or remove the entry")
            }
            WarningKind::TypeMismatch { .. } => (
                Severity::Warning,
                "write the value in the operator's type, or use the operator for the value's type",
            ),
            WarningKind::EmptyCondition => (Severity::Note, "remove the empty `Condition`"),
            WarningKind::HostBitsSet { .. } | WarningKind::BareIpv6 { .. } => (
                Severity::Note,
                "write the network address with its prefix length",
            ),
            WarningKind::VariableInBool => (Severity::Note, "write `true` or `false`"),
            // Other rules own these (`missing-policy-version`, `wildcard-principal`).
            _ => continue,
        };
        let mut finding = report.finding(&w.loc, w.kind.to_string()).help(help);
        finding.severity = severity;
        report.push(finding);
    }
}
