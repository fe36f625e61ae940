//! Moving one condition key to another operator, as written: the key and its value are
//! copied byte for byte into the operator's block (or a new one), and removed from where they
//! were (with their block, when they were alone in it). An operator cannot simply be renamed
//! when a block of the new operator is already there: two blocks of one operator are a
//! duplicate key.

use super::edit::{overlap, Edit};
use super::insert;
use crate::policy::{Condition, Operator, Statement};

/// The edits that put `c` under `to`. `None` when a value spans several lines or the file is
/// not JSON or YAML.
pub fn move_key(text: &str, s: &Statement, c: &Condition, to: &Operator) -> Option<Vec<Edit>> {
    let key = text.get(c.key_loc.span.clone())?;
    let value = text.get(c.values_loc.span.clone())?;
    if value.contains('\n') {
        return None;
    }
    let add = match s.conditions.iter().find(|o| o.operator == *to) {
        Some(target) => insert::verbatim_member(text, target, key, value)?,
        None => {
            let op = serde_json::Value::String(to.name()).to_string();
            let json = format!("{op}: {{ {key}: {value} }}");
            insert::new_block(text, s, &to.name(), &json, &format!("{key}: {value}"))?
        }
    };
    let alone = s
        .conditions
        .iter()
        .filter(|o| o.operator_loc.span == c.operator_loc.span)
        .count()
        == 1;
    let remove = if alone {
        insert::remove_block(text, c.operator_loc.span.start, c.operator_loc.span.end)?
    } else {
        insert::remove_member(text, c.key_loc.span.start, c.values_loc.span.end)?
    };
    let (a, r) = (std::slice::from_ref(&add), std::slice::from_ref(&remove));
    (!overlap(a, r)).then(|| vec![add, remove])
}

/// The edits that put `c` under `to`, the smallest that keeps the document valid: the
/// operator renamed in place when `c` is alone in its block and no block of `to` exists (in
/// Terraform's `condition` blocks, each is its own block, so a rename always is), else the
/// key moved.
pub fn retarget(
    text: &str,
    syntax: super::Syntax,
    s: &Statement,
    c: &Condition,
    to: &Operator,
) -> Option<Vec<Edit>> {
    let alone = s
        .conditions
        .iter()
        .filter(|o| o.operator_loc.span == c.operator_loc.span)
        .count()
        == 1;
    let target = s
        .conditions
        .iter()
        .any(|o| o.operator == *to && o.operator_loc.span != c.operator_loc.span);
    let hcl = syntax == super::Syntax::Hcl;
    if alone && (!target || hcl) {
        return super::rename_operator(text, c, to).map(|e| vec![e]);
    }
    if hcl {
        return None;
    }
    move_key(text, s, c, to)
}
