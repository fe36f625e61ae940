//! `set-operator-on-single-valued-key`: `ForAllValues:` or `ForAnyValue:` on `sub` or `aud`
//! is dropped, leaving the plain operator (which also fails closed on an absent key). The
//! operator is renamed in place, or, when that would write a second block of the plain
//! operator (a duplicate key) or move other keys, the key alone moves into the plain block.

use super::{condition_at, relocate, FixInput, Proposal};
use crate::policy::Operator;

pub fn propose(input: &FixInput<'_>) -> Option<Proposal> {
    let (view, c) = condition_at(input.ctx, &input.finding.loc.span)?;
    c.operator.set?;
    let plain = Operator {
        set: None,
        ..c.operator
    };
    let edits = relocate::retarget(input.text, input.syntax, view.statement, c, &plain)?;
    let how = if edits.len() > 1 {
        format!(", moving `{}` into the `{}` block", c.key, plain.name())
    } else {
        String::new()
    };
    Some(Proposal {
        description: format!(
            "use the plain operator: `{}` becomes `{}`{how}",
            c.operator.name(),
            plain.name()
        ),
        edits,
    })
}
