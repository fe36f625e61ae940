//! `wildcard-under-exact-operator`: the value's key goes under the operator's `Like` form
//! (`StringEquals` to `StringLike`), so the `*` the author wrote is a wildcard: the operator
//! renamed when the key is alone in its block, else the key moved (the block's other keys keep
//! their exact operator). Under a positive operator that makes a value that never matched
//! start to match, which widens access, so the proof refuses it and it stays a suggestion;
//! under a negated one (`StringNotEquals` to `StringNotLike`) it excludes what the author
//! meant to exclude, which the proof shows narrows access, and `--fix` applies it.

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
