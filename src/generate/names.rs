//! Checks on the names a scope pins, and the condition they become.

use super::error::GenerateError;
use super::{Compare, Cond};
use crate::providers::is_braced_uuid;

pub(super) fn cond(claim: &str, value: String) -> Cond {
    cond_any(claim, vec![value])
}

/// A condition any one of `values` satisfies: a finite set of exact subjects is written as
/// such, never as a wildcard that would also admit names no provider issues.
pub(super) fn cond_any(claim: &str, values: Vec<String>) -> Cond {
    Cond {
        compare: Compare::for_values(&values),
        claim: claim.to_string(),
        values,
    }
}

/// A name that must match itself only: no wildcard, no policy variable, no `:` (which would
/// shift the subject's fields), not empty.
pub(super) fn name(
    input: &'static str,
    value: &str,
    extra_forbidden: &[char],
) -> Result<(), GenerateError> {
    let bad = value.is_empty()
        || value.contains(['*', '?', '$', ':'])
        || value.contains(extra_forbidden)
        || value.chars().any(char::is_control);
    if bad {
        return Err(GenerateError::new(
            input,
            format!(
                "`{value}` is not a name rolecall can pin exactly (empty, or it has a wildcard, \
                 `$`, `:` or a control character)"
            ),
        ));
    }
    Ok(())
}

/// A ref or environment name: wildcards allowed (they make the condition `StringLike`), but no
/// policy variable or control character.
pub(super) fn pattern(input: &'static str, value: &str) -> Result<(), GenerateError> {
    if value.is_empty() || value.contains('$') || value.chars().any(char::is_control) {
        return Err(GenerateError::new(
            input,
            format!("`{value}` is empty, or has `$` or a control character"),
        ));
    }
    Ok(())
}

pub(super) fn braced(input: &'static str, value: &str) -> Result<(), GenerateError> {
    if is_braced_uuid(value) {
        Ok(())
    } else {
        Err(GenerateError::new(
            input,
            format!("`{value}` is not a UUID in braces, as Bitbucket writes it (`{{1de4...}}`)"),
        ))
    }
}

pub(super) fn digits(input: &'static str, value: &str) -> Result<(), GenerateError> {
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(GenerateError::new(
            input,
            format!("`{value}` is not a numeric id"),
        ))
    }
}
