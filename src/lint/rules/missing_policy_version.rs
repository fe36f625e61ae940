//! No `Version`, or `"2008-10-17"`: policy variables are then plain text, so `${aws:username}`
//! or `${token.actions.githubusercontent.com:repository}` is compared literally, and other
//! features of the current language are off.

use crate::lint::{LintContext, Report, Rule, Severity};
use crate::policy::{Loc, Version, WarningKind};

pub const RULE: Rule = Rule {
    id: "missing-policy-version",
    summary: "no `Version` (or 2008-10-17): policy variables are read as literal text",
    severity: Severity::Note,
    doc: include_str!("../../../rules/missing-policy-version.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    let (loc, message) = match ctx.policy.version {
        Version::V2012_10_17 => return,
        Version::Missing => {
            let loc = ctx
                .policy
                .warnings
                .iter()
                .find(|w| w.kind == WarningKind::MissingVersion)
                .map(|w| w.loc.clone())
                .unwrap_or_default();
            (
                loc,
                "the policy has no `Version`: policy variables such as `${aws:SourceIp}` are \
                 read as literal text",
            )
        }
        // The parsed policy keeps no location for `Version`: point at the document's start.
        Version::V2008_10_17 => (
            Loc::new("/Version", 0..0),
            "`Version` 2008-10-17 predates policy variables: `${...}` is read as literal text",
        ),
    };
    let finding = report
        .finding(&loc, message)
        .help("add `\"Version\": \"2012-10-17\"` as the first element of the policy");
    report.push(finding);
}
