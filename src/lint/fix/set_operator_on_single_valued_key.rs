//! `set-operator-on-single-valued-key`: `ForAllValues:` or `ForAnyValue:` on `sub` or `aud`
//! is dropped, leaving the plain operator (which also fails closed on an absent key). When
//! the statement already has a block of the plain operator, the key moves into it (a second
//! block of one operator is a duplicate key): its block goes, when the key is alone in it.

use super::{condition_at, insert, rename_operator, FixInput, Proposal, Syntax};
use crate::policy::Operator;

pub fn propose(input: &FixInput<'_>) -> Option<Proposal> {
    let (view, c) = condition_at(input.ctx, &input.finding.loc.span)?;
    c.operator.set?;
    let plain = Operator {
        set: None,
        ..c.operator
    };
    let description = format!(
        "use the plain operator: `{}` becomes `{}`",
        c.operator.name(),
        plain.name()
    );
    let conditions = &view.statement.conditions;
    let Some(target) = conditions.iter().find(|o| o.operator == plain) else {
        let edit = rename_operator(input.text, c, &plain)?;
        return Some(Proposal {
            description,
            edits: vec![edit],
        });
    };
    let alone = conditions
        .iter()
        .filter(|o| o.operator_loc.span == c.operator_loc.span)
        .count()
        == 1;
    if !alone || input.syntax == Syntax::Hcl {
        return None;
    }
    let key = input.text.get(c.key_loc.span.clone())?;
    let value = input.text.get(c.values_loc.span.clone())?;
    let add = insert::verbatim_member(input.text, target, key, value)?;
    let remove = insert::remove_member(
        input.text,
        c.operator_loc.span.start,
        c.operator_loc.span.end,
    )?;
    if super::edit::overlap(std::slice::from_ref(&add), std::slice::from_ref(&remove)) {
        return None;
    }
    Some(Proposal {
        description: format!(
            "{description}, moving `{}` into the `{}` block",
            c.key,
            plain.name()
        ),
        edits: vec![add, remove],
    })
}
