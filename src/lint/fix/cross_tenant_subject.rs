//! `cross-tenant-subject`: an owner written without its separator (`repo:acme*`) gets it
//! (`repo:acme/*`), so the look-alike owner `acme-evil` no longer matches; a star where the
//! owner ends (`repo:acme*/app`) goes. Where the separator
//! goes is the provider's data: the literal that follows the tenant field in its subject forms.

use super::edit::within;
use super::{value_at, FixInput, Proposal};
use crate::providers::{Part, Role};

pub fn propose(input: &FixInput<'_>) -> Option<Proposal> {
    let at = value_at(input.ctx, &input.finding.loc.span)?;
    if at.condition.operator.base.ignores_case() {
        return None;
    }
    let profile = at.provider?.profile?;
    let raw = at.value.raw.as_str();
    let wild = raw.find(['*', '?'])?;
    let (head, tail) = (raw.get(..wild)?, raw.get(wild..)?);
    if !tail.starts_with('*') {
        return None;
    }
    let fixed = profile.subject.iter().find_map(|form| {
        let (before, sep) = tenant_slot(form.parts)?;
        let owner = head.strip_prefix(before.as_str())?;
        if owner.is_empty() || owner.contains(sep) {
            return None;
        }
        // `repo:acme*/app`: the star stands where the owner ends; it goes.
        match tail.strip_prefix('*') {
            Some(rest) if rest.starts_with(sep) => Some(format!("{head}{rest}")),
            _ => Some(format!("{head}{sep}{tail}")),
        }
    })?;
    let edit = within(input.text, &at.value.loc.span, raw, &fixed)?;
    Some(Proposal {
        description: if fixed.len() < raw.len() {
            format!("drop the star where the owner ends: `{raw}` becomes `{fixed}`")
        } else {
            format!("end the owner with its separator: `{raw}` becomes `{fixed}`")
        },
        edits: vec![edit],
    })
}

/// The literal text before a form's tenant field (no field before it), and the separator
/// that follows the field.
fn tenant_slot(parts: &[Part]) -> Option<(String, char)> {
    let mut before = String::new();
    let mut parts = parts.iter();
    for part in parts.by_ref() {
        match part {
            Part::Lit(s) => before.push_str(s),
            Part::Field(f) if f.role == Role::Tenant => break,
            Part::Field(_) => return None,
        }
    }
    match parts.next()? {
        Part::Lit(s) => Some((before, s.chars().next()?)),
        Part::Field(_) => None,
    }
}
