//! Renderers. Everything users read is produced here, from the library's data.

pub mod diff;
pub mod json;
pub mod lint;
pub mod text;

use rolecall::eval::{ConditionTrace, Reason};

/// One line saying why a condition held or failed.
pub fn condition_text(c: &ConditionTrace) -> String {
    let req = match &c.request {
        Some(values) if values.len() == 1 => {
            values.first().map(|v| format!("`{v}`")).unwrap_or_default()
        }
        Some(values) => format!("[{}]", values.join(", ")),
        None => String::new(),
    };
    let why = match &c.reason {
        Reason::Matched { value, .. } => format!("{req} matches `{value}`"),
        Reason::NoneMatched => format!("{req} matches none of the listed values"),
        Reason::ExcludedMatched { value, .. } => format!("{req} matches the excluded `{value}`"),
        Reason::NoneExcluded => format!("{req} matches none of the excluded values"),
        Reason::KeyAbsent if c.holds => {
            "the key is absent, and a negated operator is true on a missing key".into()
        }
        Reason::KeyAbsent => "the request has no such key".into(),
        Reason::AbsentIfExists => "the key is absent, so `IfExists` holds".into(),
        Reason::NullCheck { present: true } => "the key is present".into(),
        Reason::NullCheck { present: false } => "the key is absent".into(),
        Reason::AllValuesPassed { empty: true } => {
            "the key is absent, and `ForAllValues` is true on an empty set".into()
        }
        Reason::AllValuesPassed { empty: false } => format!("every value of {req} passes"),
        Reason::ValueFailed { value } => format!("`{value}` does not pass"),
        Reason::AnyValuePassed { value } => format!("`{value}` passes"),
        Reason::NoValuePassed { empty: true } => {
            "the key is absent, and `ForAnyValue` is false on an empty set".into()
        }
        Reason::NoValuePassed { empty: false } => format!("no value of {req} passes"),
        Reason::MultivaluedUnderPlainOperator => {
            format!("{req} is multivalued; a plain operator needs `ForAnyValue:`/`ForAllValues:`")
        }
    };
    let mark = if c.holds { "holds" } else { "fails" };
    let mut s = format!("{} {mark}: {why}", c.operator);
    if let Some(rule) = c.undocumented {
        s.push_str(&format!(" (undocumented, {rule}: read permissively)"));
    }
    s
}
