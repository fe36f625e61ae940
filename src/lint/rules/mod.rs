//! One file per rule; the file stem is the rule id in snake case.

pub mod account_root_principal;
pub mod action_principal_mismatch;
pub mod any_namespace_subject;
pub mod any_ref_subject;
pub mod cross_tenant_subject;
pub mod duplicate_sid;
pub mod fail_open_condition;
pub mod guest_identities_admitted;
pub mod ineffective_condition_value;
pub mod invalid_policy_document;
pub mod key_prefix_mismatch;
pub mod malformed_principal;
pub mod missing_audience_condition;
pub mod missing_policy_version;
pub mod missing_subject_condition;
pub mod mutable_subject_name;
pub mod mutable_workflow_ref;
pub mod notaction_in_allow;
pub mod outside_declared_scope;
pub mod ref_type_wildcard;
pub mod refused_at_next_edit;
pub mod set_operator_on_single_valued_key;
pub mod shared_ci_ip_allowlist;
pub mod tenant_wide_subject;
pub mod unassumable_role;
pub mod undecided_breadth;
pub mod undeclared_issuer;
pub mod unexposed_claim_condition;
pub mod unguarded_service_principal;
pub mod unmatchable_subject;
pub mod unprotected_ref_trusted;
pub mod unresolvable_policy_variable;
pub mod volatile_subject_pin;
pub mod web_identity_action_missing;
pub mod wildcard_action;
pub mod wildcard_principal;
pub mod wildcard_under_exact_operator;
pub(crate) mod words;

use super::context::{ProviderView, StatementView};
use crate::policy::{CondValue, Loc, StringPattern, Typed};

/// The first `sub` value of the statement that accepts the subject `sub`.
pub(crate) fn admitting_value<'v>(
    view: &'v StatementView<'_>,
    provider: &'v ProviderView<'_>,
    sub: &str,
) -> Option<(&'v CondValue, &'v StringPattern)> {
    view.on_claim(provider, "sub")
        .flat_map(|c| &c.values)
        .find_map(|v| match &v.typed {
            Typed::String(p) if p.accepts(sub) == Some(true) => Some((v, p)),
            _ => None,
        })
}

/// The location of the `sub` value that admits `sub` (or of the first `sub` condition, or of
/// the statement's principal entry when there is none).
pub(crate) fn sub_value_loc(
    view: &StatementView<'_>,
    provider: &ProviderView<'_>,
    sub: &str,
) -> Loc {
    if let Some((v, _)) = admitting_value(view, provider, sub) {
        return v.loc.clone();
    }
    view.on_claim(provider, "sub")
        .next()
        .map_or_else(|| provider.entry_loc.clone(), |c| c.key_loc.clone())
}

/// The witness subject, if any.
pub(crate) fn witness_sub(w: &super::Witness) -> &str {
    w.claims
        .get("sub")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
}

/// A token that sets its own session tags, or its own source identity, that the policy
/// admits through `view` (for rules about statements granting more than the web identity
/// action); `Err` when the model cannot answer for a provider and no other gave a token.
pub(crate) fn self_tagging_witness(
    ctx: &crate::lint::LintContext<'_>,
    view: &StatementView<'_>,
) -> Result<Option<super::Witness>, crate::lint::model_token::Refusal> {
    use crate::request::{SOURCE_IDENTITY_CLAIM, TAGS_CLAIM};
    use serde_json::json;
    let tokens = [
        (
            TAGS_CLAIM,
            json!({ "principal_tags": { "team": ["rolecall-outsider"] } }),
            "a token that sets its own session tags",
        ),
        (
            SOURCE_IDENTITY_CLAIM,
            json!("rolecall-outsider"),
            "a token that sets its own source identity",
        ),
    ];
    let mut refused = None;
    for p in &view.providers {
        for (claim, value, who) in &tokens {
            // The model's session variants carry these claims: a provider issues such tokens.
            let set = |claims: &mut serde_json::Map<String, serde_json::Value>| {
                claims.insert((*claim).to_string(), value.clone());
            };
            let q = crate::lint::model_token::Query::any(who).edit(&set);
            match crate::lint::model_token::token_where(ctx, view, p, &q) {
                Ok(Some(w)) => return Ok(Some(w)),
                Ok(None) => {}
                Err(why) => refused = Some(why),
            }
        }
    }
    refused.map_or(Ok(None), Err)
}

/// A finding about allowing more than the web identity action, as the model answers: with its
/// witness when it found one, a note when nothing beyond the action itself gets through
/// (hygiene only), and at its severity without a witness, saying why, when it cannot answer.
pub(crate) fn with_model_answer(
    mut finding: super::Finding,
    w: Result<Option<super::Witness>, crate::lint::model_token::Refusal>,
) -> super::Finding {
    match w {
        Ok(Some(w)) => finding = finding.witness(Some(w)),
        Ok(None) => finding.severity = super::Severity::Note,
        Err(why) => {
            finding.message = format!(
                "{}; {}",
                finding.message,
                crate::lint::model_token::unconfirmed(&why)
            )
        }
    }
    finding
}
