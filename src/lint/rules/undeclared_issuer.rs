//! A web identity provider whose issuer rolecall does not recognise: no provider rule can judge
//! it. The note names the issuer and shows the `[[provider]]` stanza that declares it, with the
//! kind whose subject format the policy's `sub` values fit.

use crate::lint::context::restricts;
use crate::lint::shape;
use crate::lint::{LintContext, Report, Rule, Severity};
use crate::policy::Typed;
use crate::providers::{Part, Profile, ALL};

pub const RULE: Rule = Rule {
    id: "undeclared-issuer",
    summary: "an OIDC issuer rolecall does not recognise: declare it in `rolecall.toml` so the provider rules apply",
    severity: Severity::Note,
    doc: include_str!("../../../rules/undeclared-issuer.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in ctx.statements.iter().filter(|v| v.allows_web_identity()) {
        for p in view.providers.iter().filter(|p| p.profile.is_none()) {
            let values: Vec<Vec<shape::Glob>> = view
                .on_claim(p, "sub")
                .filter(|c| restricts(c))
                .flat_map(|c| &c.values)
                .filter_map(|v| match &v.typed {
                    Typed::String(pattern) => Some(shape::of_value(pattern)),
                    _ => None,
                })
                .collect();
            let kind = likely_kind(&values);
            let finding = report
                .finding(
                    p.entry_loc,
                    format!(
                        "rolecall does not know the issuer `{}`, so no provider rule judges this \
                         trust",
                        p.prefix
                    ),
                )
                .help(format!(
                    "if it is a self-hosted instance, declare it in rolecall.toml:\n\
                     [[provider]]\nkind = \"{}\"\nissuer = \"{}\"",
                    kind.map_or("<kind>", |k| k.id),
                    p.prefix
                ));
            report.push(finding);
        }
    }
}

/// The built-in kind whose subject forms every one of the policy's values fits (the first, in
/// id order), when there are values.
fn likely_kind(values: &[Vec<shape::Glob>]) -> Option<&'static Profile> {
    if values.is_empty() {
        return None;
    }
    ALL.iter().copied().find(|profile| {
        !profile.subject.is_empty()
            && values.iter().all(|v| {
                // A value that is only wildcards fits every kind: it says nothing.
                v.iter().any(|g| matches!(g, shape::Glob::Char(_)))
                    && profile.subject.iter().any(|f| {
                        // A form that is one free field (Cognito's identity id, Google's
                        // account id) fits any value: it says nothing about the kind.
                        f.parts.iter().any(|part| matches!(part, Part::Lit(_)))
                            && shape::intersects(v, &shape::of_form(f, false, Some(':')))
                                == Some(true)
                    })
            })
    })
}
