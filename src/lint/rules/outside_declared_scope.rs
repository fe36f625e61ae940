//! With a `[[scope]]` in the configuration whose path matches the policy's origin, an identity
//! the policy admits whose `sub` fields fall outside the declared values (another repository,
//! another environment). The declared scope is the owner's word for what the role is for, so
//! anything beyond it is an identity outside the intended scope: an error, with a witness.

use std::cell::RefCell;

use super::{sub_value_loc, witness_sub};
use crate::lint::witness::{self, Candidate, Target};
use crate::lint::{LintContext, Report, Rule, Scope, Severity};
use crate::pattern::Matcher;

pub const RULE: Rule = Rule {
    id: "outside-declared-scope",
    summary: "the policy admits an identity outside the scope declared for it in `rolecall.toml`",
    severity: Severity::Error,
    doc: include_str!("../../../rules/outside-declared-scope.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for scope in ctx.config.scopes_for(ctx.origin) {
        for view in ctx.statements.iter().filter(|v| v.allows_web_identity()) {
            for p in &view.providers {
                let Some(profile) = p.profile else { continue };
                let fields: Vec<String> = scope
                    .fields
                    .keys()
                    .filter(|name| {
                        profile
                            .subject
                            .iter()
                            .any(|f| f.fields().any(|x| x.name == name.as_str()))
                    })
                    .cloned()
                    .collect();
                if fields.is_empty() {
                    continue; // the scope is about another provider
                }
                // The last candidate accepted is the one the evaluator admitted: the search
                // stops there.
                let escaped = RefCell::new(String::new());
                let outside = |c: &Candidate| {
                    let out = escapes(scope, &fields, c);
                    if out {
                        escaped.replace(describe(&fields, c));
                    }
                    out
                };
                // Outsiders and look-alikes first, then the policy's own values and examples.
                let wide = Target {
                    fields: fields.clone(),
                    ..Target::default()
                };
                let every_form = Target {
                    forms: profile.subject.iter().map(|f| f.name).collect(),
                    ..Target::default()
                };
                let Some(mut w) = witness::subject_where(ctx, view, p, &wide, &outside)
                    .or_else(|| witness::subject_where(ctx, view, p, &every_form, &outside))
                else {
                    continue;
                };
                w.who = escaped.take();
                let sub = witness_sub(&w).to_string();
                let loc = sub_value_loc(view, p, &sub);
                let declared: Vec<String> = fields
                    .iter()
                    .filter_map(|f| scope.fields.get(f).map(|v| format!("{f} = {v:?}")))
                    .collect();
                let finding = report
                    .finding(
                        &loc,
                        format!(
                            "`{sub}` is admitted, but the scope declared for `{}` allows only {}",
                            scope.path,
                            declared.join(", ")
                        ),
                    )
                    .help(
                        "narrow the `sub` condition to the declared values, or correct the \
                         `[[scope]]` in rolecall.toml",
                    )
                    .witness(Some(w));
                report.push(finding);
            }
        }
    }
}

/// Does the candidate leave the scope? A declared field it lacks, or whose value matches none of
/// the allowed patterns, is outside.
fn escapes(scope: &Scope, fields: &[String], c: &Candidate) -> bool {
    fields.iter().any(|name| {
        let allowed = scope
            .fields
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or_default();
        match c.values.iter().find(|(f, _, _)| f.name == name.as_str()) {
            Some((_, value, _)) => !allowed.iter().any(|a| Matcher::new(a).is_match(value)),
            None => true,
        }
    })
}

/// Words for the witness: the declared fields it leaves.
fn describe(fields: &[String], c: &Candidate) -> String {
    let parts: Vec<String> = fields
        .iter()
        .map(
            |name| match c.values.iter().find(|(f, _, _)| f.name == name.as_str()) {
                Some((_, value, _)) => format!("{name} `{value}`"),
                None => format!("no {name}"),
            },
        )
        .collect();
    format!(
        "a `{}` token with {}, outside the declared scope",
        c.form.name,
        parts.join(", ")
    )
}
