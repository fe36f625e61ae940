//! Every rule, sorted by id. This slice is the dispatch.

use super::rules;
use super::Rule;

pub const ALL: &[&Rule] = &[
    &rules::account_root_principal::RULE,
    &rules::action_principal_mismatch::RULE,
    &rules::any_ref_subject::RULE,
    &rules::cross_tenant_subject::RULE,
    &rules::duplicate_sid::RULE,
    &rules::fail_open_condition::RULE,
    &rules::invalid_policy_document::RULE,
    &rules::key_prefix_mismatch::RULE,
    &rules::malformed_principal::RULE,
    &rules::missing_audience_condition::RULE,
    &rules::missing_policy_version::RULE,
    &rules::missing_subject_condition::RULE,
    &rules::mutable_subject_name::RULE,
    &rules::mutable_workflow_ref::RULE,
    &rules::notaction_in_allow::RULE,
    &rules::outside_declared_scope::RULE,
    &rules::ref_type_wildcard::RULE,
    &rules::set_operator_on_single_valued_key::RULE,
    &rules::shared_ci_ip_allowlist::RULE,
    &rules::tenant_wide_subject::RULE,
    &rules::unexposed_claim_condition::RULE,
    &rules::unguarded_service_principal::RULE,
    &rules::unmatchable_subject::RULE,
    &rules::unprotected_ref_trusted::RULE,
    &rules::unresolvable_policy_variable::RULE,
    &rules::volatile_subject_pin::RULE,
    &rules::web_identity_action_missing::RULE,
    &rules::wildcard_action::RULE,
    &rules::wildcard_principal::RULE,
    &rules::wildcard_under_exact_operator::RULE,
];
