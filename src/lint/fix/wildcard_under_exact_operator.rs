//! `wildcard-under-exact-operator`: the exact operator becomes its `Like` form
//! (`StringEquals` to `StringLike`), so the `*` the author wrote is a wildcard. That makes a
//! value that never matched start to match: it widens access on purpose, so it is only ever
//! a suggestion.

use super::{rename_operator, value_at, FixInput, Proposal};
use crate::policy::{Base, Operator};

pub fn propose(input: &FixInput<'_>) -> Option<Proposal> {
    let at = value_at(input.ctx, &input.finding.loc.span)?;
    let c = at.condition;
    let base = match c.operator.base {
        Base::StringEquals => Base::StringLike,
        Base::StringNotEquals => Base::StringNotLike,
        // No case-insensitive `Like` operator exists: the owner must choose the case.
        _ => return None,
    };
    let like = Operator { base, ..c.operator };
    let edit = rename_operator(input.text, c, &like)?;
    Some(Proposal {
        description: format!(
            "match the pattern: `{}` becomes `{}` (every key of the block moves with it)",
            c.operator.name(),
            like.name()
        ),
        edits: vec![edit],
    })
}
