//! `*` or `?` in a value of an exact string operator (`StringEquals`, `StringNotEquals` and
//! their `IgnoreCase` forms). There they are literal characters no real token carries, so the
//! value never matches (and, negated, excludes nothing): the author meant `StringLike`. Under
//! 2012-10-17, `${*}` and `${?}` are deliberate literal characters and are not flagged.

use crate::lint::{LintContext, Report, Rule, Severity};
use crate::pattern::Token;
use crate::policy::{Base, Piece, Typed};

pub const RULE: Rule = Rule {
    id: "wildcard-under-exact-operator",
    summary: "`*` or `?` under `StringEquals` is a literal character: the value never matches a real token",
    severity: Severity::Warning,
    doc: include_str!("../../../rules/wildcard-under-exact-operator.md"),
    check,
    fix: crate::lint::fix::Fix::Auto(crate::lint::fix::wildcard_under_exact_operator),
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    let variables = ctx.policy.version.has_variables();
    for view in &ctx.statements {
        for c in &view.statement.conditions {
            let base = c.operator.base;
            let like = match base {
                Base::StringEquals | Base::StringEqualsIgnoreCase => "StringLike",
                Base::StringNotEquals | Base::StringNotEqualsIgnoreCase => "StringNotLike",
                _ => continue,
            };
            for v in &c.values {
                let Typed::String(p) = &v.typed else { continue };
                // The typed value decides what is literal; the written text tells a typed `*`
                // from a deliberate `${*}`.
                let literal_wildcard = p.pieces.iter().any(|piece| {
                    matches!(piece, Piece::Token(Token::Literal(s)) if s.contains(['*', '?']))
                });
                if !literal_wildcard || !written_wildcard(&v.raw, variables) {
                    continue;
                }
                let effect = if base.is_negated() {
                    "so it excludes nothing"
                } else {
                    "so this value never matches"
                };
                let case = if base.ignores_case() {
                    " (there is no case-insensitive `Like` operator: match the exact case)"
                } else {
                    ""
                };
                let finding = report
                    .finding(
                        &v.loc,
                        format!(
                            "`{}` compares `*` and `?` literally: no real `{}` is `{}`, {effect}",
                            c.operator.name(),
                            c.key,
                            v.raw
                        ),
                    )
                    .related(c.operator_loc.clone(), "an exact operator")
                    .help(format!(
                        "to match a pattern, move the value under `{like}`{case}; to match a \
                         literal `*` on purpose, write `${{*}}`"
                    ));
                report.push(finding);
            }
        }
    }
}

/// Is there a `*` or `?` in the text as written, outside `${...}` (where `${*}` and `${?}` are
/// deliberate literals under 2012-10-17)?
fn written_wildcard(raw: &str, variables: bool) -> bool {
    let wild = |s: &str| s.contains(['*', '?']);
    if !variables {
        return wild(raw);
    }
    let mut rest = raw;
    while let Some(start) = rest.find("${") {
        if wild(rest.get(..start).unwrap_or_default()) {
            return true;
        }
        let after = rest.get(start + 2..).unwrap_or_default();
        let Some(end) = after.find('}') else {
            return wild(after);
        };
        rest = after.get(end + 1..).unwrap_or_default();
    }
    wild(rest)
}
