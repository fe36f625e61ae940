//! Errors (documents IAM refuses, or that are not policies at all) and warnings (documents IAM
//! accepts but that deserve a word). Both are data with a location; rendering is the CLI's job.

use thiserror::Error;

use super::Loc;
use crate::json::JsonErrorKind;

/// Why a document is not a valid trust policy.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PolicyErrorKind {
    #[error("{0}")]
    Json(JsonErrorKind),
    #[error("duplicate JSON key `{key}`")]
    DuplicateKey { key: String },
    #[error("`{element}` must be {expected}, found {found}")]
    WrongType {
        element: String,
        expected: &'static str,
        found: &'static str,
    },
    #[error("`{name}` is not a policy element{}", hint(.suggestion))]
    UnknownElement {
        name: String,
        suggestion: Option<String>,
    },
    #[error("missing `{name}`")]
    MissingElement { name: &'static str },
    #[error("invalid Version `{value}`: use \"2012-10-17\"")]
    InvalidVersion { value: String },
    #[error("`Statement` is empty")]
    EmptyStatement,
    #[error("invalid Effect `{value}`: it must be exactly \"Allow\" or \"Deny\"")]
    InvalidEffect { value: String },
    #[error("`NotPrincipal` is not allowed in a role trust policy")]
    NotPrincipal,
    #[error("`{name}` is not allowed in a role trust policy (\"Has prohibited field {name}\")")]
    ProhibitedField { name: String },
    #[error("`Action` and `NotAction` cannot both appear in one statement")]
    ActionAndNotAction,
    #[error("`{key}` is not a principal type: use AWS, Federated, Service or CanonicalUser")]
    InvalidPrincipalKey { key: String },
    #[error("principal `{value}` contains a wildcard; principals allow only a whole `\"*\"`")]
    WildcardInPrincipal { value: String },
    #[error("Federated principal `{value}` is neither a domain name nor a provider ARN")]
    InvalidFederatedPrincipal { value: String },
    #[error("invalid condition operator `{name}`{}", hint(.suggestion))]
    InvalidOperator {
        name: String,
        suggestion: Option<String>,
    },
    #[error("`Null` cannot take `IfExists`")]
    NullWithIfExists,
    #[error("condition key `{key}` must contain exactly one `:`")]
    InvalidConditionKey { key: String },
    #[error("condition key `{key}` appears twice in one operator block, in different letter case")]
    DuplicateConditionKey { key: String },
    #[error("{0}")]
    VariableSyntax(&'static str),
    #[error("`Bool` takes one value, found {count}")]
    MultipleBooleanValues { count: usize },
    #[error("character {ch:?} is outside the characters IAM allows in a policy (TAB, LF, CR, U+0020 to U+00FF)")]
    DisallowedCharacter { ch: char },
}

fn hint(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => format!("; did you mean `{s}`?"),
        None => String::new(),
    }
}

/// One error and where it is. `related` points at a second place (the first copy of a
/// duplicate key).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{kind}")]
pub struct PolicyError {
    pub kind: PolicyErrorKind,
    pub loc: Loc,
    pub related: Option<Loc>,
}

impl PolicyError {
    pub fn new(kind: PolicyErrorKind, loc: Loc) -> Self {
        PolicyError {
            kind,
            loc,
            related: None,
        }
    }

    /// `true` for errors that mean "IAM would refuse to store this" rather than "not JSON".
    pub fn is_malformed_policy(&self) -> bool {
        !matches!(self.kind, PolicyErrorKind::Json(_))
    }
}

/// Every error found in one document, in document order.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{} error(s) in the policy document", .0.len())]
pub struct PolicyErrors(pub Vec<PolicyError>);

/// Something IAM accepts that changes or hides meaning.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum WarningKind {
    #[error("no `Version`: policy variables are read as literal text (2008-10-17 rules)")]
    MissingVersion,
    #[error("empty `{element}`: it matches nothing")]
    EmptyArray { element: String },
    #[error("empty `Condition`: the statement is unconditional")]
    EmptyCondition,
    #[error("empty value list under `{operator}`: {effect}")]
    EmptyValues {
        operator: String,
        effect: &'static str,
    },
    #[error("`{value}` is not a valid {expected} for `{operator}`: a positive operator never matches it")]
    TypeMismatch {
        value: String,
        expected: &'static str,
        operator: String,
    },
    #[error("bare IPv6 address `{value}` is read as /128 (undocumented)")]
    BareIpv6 { value: String },
    #[error("`{value}` has host bits set; it is read as `{masked}`")]
    HostBitsSet { value: String, masked: String },
    #[error("policy variables in `Bool` are read literally (the AWS docs disagree)")]
    VariableInBool,
    #[error("`Principal: \"*\"` in a trust policy: read as admitting every caller (undocumented)")]
    PrincipalEveryone,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyWarning {
    pub kind: WarningKind,
    pub loc: Loc,
}
