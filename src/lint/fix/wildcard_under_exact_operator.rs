//! `wildcard-under-exact-operator`: the value's key goes under the operator's `Like` form
//! (`StringEquals` to `StringLike`), so the `*` the author wrote is a wildcard: the operator
//! renamed when the key is alone in its block, else the key moved (the block's other keys keep
//! their exact operator). That makes a value that never matched start to match: it widens
//! access on purpose, so it is only ever a suggestion.

use super::{relocate, value_at, FixInput, Proposal};
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
    let view = input
        .ctx
        .statements
        .iter()
        .find(|v| v.statement.conditions.iter().any(|o| std::ptr::eq(o, c)))?;
    let edits = relocate::retarget(input.text, input.syntax, view.statement, c, &like)?;
    let what = if edits.len() > 1 {
        format!("move `{}` under `{}`", c.key, like.name())
    } else {
        format!("`{}` becomes `{}`", c.operator.name(), like.name())
    };
    Some(Proposal {
        description: format!("match the pattern: {what}"),
        edits,
    })
}
