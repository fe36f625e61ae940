//! A GitLab role pinned to a branch or tag by name, without a `ref_protected` condition:
//! whoever can push a ref of that name (a branch before protection applies, a tag no rule
//! protects) runs with the role.

use crate::lint::context::{ProviderView, StatementView};
use crate::lint::{LintContext, Report, Rule, Severity};
use crate::policy::{Base, Condition, Loc};

pub const RULE: Rule = Rule {
    id: "unprotected-ref-trusted",
    summary: "a GitLab `sub` pins a branch or tag by name without `ref_protected`: anyone who can \
              push a ref of that name gets in",
    severity: Severity::Note,
    doc: include_str!("../../../rules/unprotected-ref-trusted.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in ctx.statements.iter().filter(|v| v.allows_web_identity()) {
        let protected = view.providers.iter().filter_map(|p| {
            let claim = p.profile?.protected_ref_claim?;
            p.claims.exposes(claim).then_some((p, claim))
        });
        for (p, claim) in protected {
            if view.on_claim(p, claim).any(requires_protected) {
                continue;
            }
            let Some((loc, kind, name)) = pinned_ref(view, p) else {
                continue;
            };
            let key = format!("{}:{claim}", p.prefix);
            let finding = report
                .finding(
                    &loc,
                    format!(
                        "this `sub` condition trusts the ref `{name}` by its name only: anyone \
                         who can push a {kind} named `{name}` the project does not protect \
                         can assume the role"
                    ),
                )
                .help(format!(
                    "also require a protected ref: `\"StringEquals\": {{ \"{key}\": \"true\" }}`, \
                     and protect the branch or tag in the project's settings"
                ));
            report.push(finding);
        }
    }
}

/// A positive condition that holds only for protected refs: `StringEquals`,
/// `StringEqualsIgnoreCase`, `StringLike` or `Bool`, without `IfExists` or a set qualifier,
/// every value `true`.
fn requires_protected(c: &Condition) -> bool {
    let positive = matches!(
        c.operator.base,
        Base::StringEquals | Base::StringEqualsIgnoreCase | Base::StringLike | Base::Bool
    );
    let exact_case = matches!(c.operator.base, Base::StringEquals | Base::StringLike);
    positive
        && c.operator.set.is_none()
        && !c.operator.if_exists
        && !c.values.is_empty()
        && c.values.iter().all(|v| {
            if exact_case {
                v.raw == "true"
            } else {
                v.raw.eq_ignore_ascii_case("true")
            }
        })
}

/// The first positive `sub` value that names a ref: the text after `:ref:` up to the next `:`
/// (git refs cannot contain `:`), without wildcards or variables; with the kind of ref the
/// value names (`branch`, `tag`, or either).
fn pinned_ref(
    view: &StatementView<'_>,
    p: &ProviderView<'_>,
) -> Option<(Loc, &'static str, String)> {
    view.on_claim(p, "sub")
        .filter(|c| crate::lint::restricts(c))
        .flat_map(|c| &c.values)
        .find_map(|v| {
            let (head, rest) = v.raw.split_once(":ref:")?;
            let name = rest.split(':').next().unwrap_or(rest);
            let literal = !name.is_empty() && !name.contains(['*', '?']) && !name.contains("${");
            let kind = match head.rsplit_once(":ref_type:") {
                Some((_, "branch")) => "branch",
                Some((_, "tag")) => "tag",
                _ => "branch or tag",
            };
            literal.then(|| (v.loc.clone(), kind, name.to_string()))
        })
}
