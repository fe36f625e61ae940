//! `set-operator-on-single-valued-key`: `ForAllValues:` or `ForAnyValue:` on `sub` or `aud`
//! is dropped, leaving the plain operator (which also fails closed on an absent key).

use super::{condition_at, rename_operator, FixInput, Proposal};
use crate::policy::Operator;

pub fn propose(input: &FixInput<'_>) -> Option<Proposal> {
    let (_, c) = condition_at(input.ctx, &input.finding.loc.span)?;
    c.operator.set?;
    let plain = Operator {
        set: None,
        ..c.operator
    };
    let edit = rename_operator(input.text, c, &plain)?;
    Some(Proposal {
        description: format!(
            "use the plain operator: `{}` becomes `{}`",
            c.operator.name(),
            plain.name()
        ),
        edits: vec![edit],
    })
}
