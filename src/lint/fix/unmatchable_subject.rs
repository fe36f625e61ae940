//! `unmatchable-subject`, when the cause is `aud` and `sub` swapped: the `sub` value is one of
//! the provider's audiences and the `aud` condition's value fits a subject form. The two
//! values are put back, each value's text moving as written. The swap makes a condition that
//! never matched match, so it widens access on purpose: a suggestion only.

use super::edit::swap;
use super::intended::subject_for;
use super::{value_at, FixInput, Proposal};
use crate::lint::claim_of;

pub fn propose(input: &FixInput<'_>) -> Option<Proposal> {
    let at = value_at(input.ctx, &input.finding.loc.span)?;
    let p = at.provider?;
    let profile = p.profile?;
    if !profile.default_audiences.contains(&at.value.raw.as_str()) {
        return None;
    }
    let view = input.ctx.statements.iter().find(|v| {
        v.statement
            .conditions
            .iter()
            .any(|c| std::ptr::eq(c, at.condition))
    })?;
    let aud = view.statement.conditions.iter().find(|c| {
        claim_of(&c.key_lower, &p.prefix_lower).as_deref() == Some("aud")
            && !c.values.is_empty()
            && c.values.iter().all(|v| {
                profile
                    .subject
                    .iter()
                    .any(|f| subject_for(&v.raw, f).is_some())
            })
    })?;
    let edits = swap(
        input.text,
        &at.condition.values_loc.span,
        &aud.values_loc.span,
    )?;
    Some(Proposal {
        description: format!(
            "put back the swapped values: `{}` is the audience, `{}` the subject",
            at.value.raw,
            aud.values.first().map_or("", |v| v.raw.as_str())
        ),
        edits,
    })
}
