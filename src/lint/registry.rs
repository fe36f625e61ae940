//! Every rule, sorted by id. This slice is the dispatch.

use super::rules;
use super::Rule;

pub const ALL: &[&Rule] = &[
    &rules::any_ref_subject::RULE,
    &rules::cross_tenant_subject::RULE,
    &rules::fail_open_condition::RULE,
    &rules::invalid_policy_document::RULE,
    &rules::missing_subject_condition::RULE,
    &rules::shared_ci_ip_allowlist::RULE,
    &rules::tenant_wide_subject::RULE,
];
