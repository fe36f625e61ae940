//! One file per rule; the file stem is the rule id in snake case.

pub mod any_ref_subject;
pub mod cross_tenant_subject;
pub mod fail_open_condition;
pub mod invalid_policy_document;
pub mod missing_subject_condition;
pub mod shared_ci_ip_allowlist;
pub mod tenant_wide_subject;

use super::context::{ProviderView, StatementView};
use super::witness::Candidate;
use crate::pattern::Matcher;
use crate::policy::{Loc, Typed};

/// The location of the `sub` value that admits `sub` (or of the first `sub` condition, or of
/// the statement's principal entry when there is none).
pub(crate) fn sub_value_loc(
    view: &StatementView<'_>,
    provider: &ProviderView<'_>,
    sub: &str,
) -> Loc {
    let mut first = None;
    for c in view.on_claim(provider, "sub") {
        first.get_or_insert_with(|| c.key_loc.clone());
        for v in &c.values {
            if let Typed::String(p) = &v.typed {
                if p.compiled
                    .as_ref()
                    .is_some_and(|m: &Matcher| m.is_match(sub))
                {
                    return v.loc.clone();
                }
            }
        }
    }
    first.unwrap_or_else(|| provider.entry_loc.clone())
}

/// The witness subject, if any.
pub(crate) fn witness_sub(w: &super::Witness) -> &str {
    w.claims
        .get("sub")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
}

/// `true` when a candidate keeps every field of `roles` at a value the policy names.
pub(crate) fn keeps(c: &Candidate, roles: &[crate::providers::Role]) -> bool {
    c.values
        .iter()
        .all(|(f, _, origin)| !roles.contains(&f.role) || *origin == super::witness::Origin::Policy)
}
