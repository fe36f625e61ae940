//! An exact `sub` value (`StringEquals`, or `StringLike` without wildcards) that pins a field
//! which changes every run: the Bitbucket step UUID, the Buildkite commit. The role works for
//! the run the value was copied from and never again. The value is split into fields by the
//! provider's subject forms.

use crate::lint::context::restricts;
use crate::lint::{LintContext, Report, Rule, Severity};
use crate::pattern::Token;
use crate::policy::{Base, Piece, Typed};
use crate::providers::{Field, Part, Role, SubForm};

pub const RULE: Rule = Rule {
    id: "volatile-subject-pin",
    summary: "an exact `sub` pins a value that changes every run (step UUID, commit): the role works once",
    severity: Severity::Warning,
    doc: include_str!("../../../rules/volatile-subject-pin.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in ctx.statements.iter().filter(|v| v.allows_web_identity()) {
        for p in &view.providers {
            let Some(profile) = p.profile else { continue };
            for c in view.on_claim(p, "sub").filter(|c| restricts(c)) {
                let base = c.operator.base;
                if !matches!(
                    base,
                    Base::StringEquals | Base::StringEqualsIgnoreCase | Base::StringLike
                ) {
                    continue;
                }
                for v in &c.values {
                    let Some(text) = exact_text(&v.typed) else {
                        continue;
                    };
                    let Some((form, fields)) = profile
                        .subject
                        .iter()
                        .find_map(|f| split(f.parts, &text).map(|fields| (f, fields)))
                    else {
                        continue;
                    };
                    let pinned: Vec<String> = fields
                        .iter()
                        .filter(|(f, _)| f.role == Role::Volatile)
                        .map(|(f, value)| format!("{} `{value}`", f.name))
                        .collect();
                    if pinned.is_empty() {
                        continue;
                    }
                    let finding = report
                        .finding(
                            &v.loc,
                            format!(
                                "this exact `sub` pins the {}, which {} every run: the role \
                                 works for that one run only",
                                pinned.join(" and "),
                                if pinned.len() == 1 {
                                    "changes"
                                } else {
                                    "change"
                                }
                            ),
                        )
                        .help(format!(
                            "use `StringLike` and end the subject with `*` where the per-run \
                             part starts: `{}`",
                            stable_prefix(form, &fields)
                        ));
                    report.push(finding);
                }
            }
        }
    }
}

/// The value as plain text, when it has no wildcard and no variable.
fn exact_text(t: &Typed) -> Option<String> {
    let Typed::String(p) = t else { return None };
    p.pieces
        .iter()
        .map(|piece| match piece {
            Piece::Token(Token::Literal(s)) => Some(s.as_str()),
            _ => None,
        })
        .collect()
}

/// Split a concrete subject by a form's literal parts, each field taking a value of its shape.
fn split<'v>(parts: &'static [Part], s: &'v str) -> Option<Vec<(&'static Field, &'v str)>> {
    let Some((first, rest)) = parts.split_first() else {
        return s.is_empty().then(Vec::new);
    };
    match first {
        Part::Lit(l) => split(rest, s.strip_prefix(l)?),
        Part::Field(f) => {
            let next = rest.first().and_then(|p| match p {
                Part::Lit(l) => Some(*l),
                Part::Field(_) => None,
            });
            let ends: Vec<usize> = match next {
                None => vec![s.len()],
                Some(l) => s.match_indices(l).map(|(i, _)| i).collect(),
            };
            ends.into_iter().find_map(|end| {
                let value = s.get(..end).filter(|v| shaped(f, v))?;
                let mut tail = split(rest, s.get(end..)?)?;
                tail.insert(0, (f, value));
                Some(tail)
            })
        }
    }
}

/// Does the value look like the field's example (braced UUID, digits, hex)?
fn shaped(f: &Field, v: &str) -> bool {
    let braced = |s: &str| s.starts_with('{') && s.ends_with('}') && s.len() == 38;
    if v.is_empty() {
        false
    } else if braced(f.example) {
        braced(v)
    } else if f.example.bytes().all(|b| b.is_ascii_digit()) {
        v.bytes().all(|b| b.is_ascii_digit())
    } else if f.example.len() >= 7 && f.example.bytes().all(|b| b.is_ascii_hexdigit()) {
        v.bytes().all(|b| b.is_ascii_hexdigit())
    } else {
        true
    }
}

/// The subject up to the first per-run field, then `*`.
fn stable_prefix(form: &SubForm, fields: &[(&Field, &str)]) -> String {
    let mut out = String::new();
    let mut values = fields.iter();
    for part in form.parts {
        match part {
            Part::Lit(l) => out.push_str(l),
            Part::Field(f) if f.role == Role::Volatile => break,
            Part::Field(_) => out.push_str(values.next().map_or("", |(_, v)| v)),
        }
    }
    out.push('*');
    out
}
