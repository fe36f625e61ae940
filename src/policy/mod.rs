//! The trust-policy model: JSON text in, typed [`Policy`] out.
//!
//! Every node keeps a [`Loc`] (JSON pointer plus byte span) so findings and traces can point
//! back into the document. Documents IAM would refuse to store (semantics §1) are errors, never
//! something the evaluator guesses about.

mod condition;
mod error;
mod operator;
mod parse;
mod serialize;
mod variable;

pub use condition::{
    arn_matchers, arn_parts, parse_bool, parse_cidr, parse_number, ArnPattern, CidrForm, CondValue,
    Condition, StringPattern, Typed,
};
pub use error::{PolicyError, PolicyErrorKind, PolicyErrors, PolicyWarning, WarningKind};
pub use operator::{Base, Family, Operator, SetQualifier};
pub use parse::{from_node, parse};
pub use variable::{Piece, VarRef};

use crate::json::Span;
use crate::pattern::Matcher;

/// Where a node sits in the source: a JSON pointer and a byte span.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Loc {
    pub pointer: String,
    pub span: Span,
}

impl Loc {
    pub fn new(pointer: impl Into<String>, span: Span) -> Self {
        Loc {
            pointer: pointer.into(),
            span,
        }
    }
}

/// The policy language version (semantics R1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V2012_10_17,
    V2008_10_17,
    /// No `Version`: variables are literal text, as under 2008 (R1.2 safe reading).
    Missing,
}

impl Version {
    /// Policy variables (`${...}`) are recognised only under 2012-10-17.
    pub fn has_variables(self) -> bool {
        self == Version::V2012_10_17
    }

    pub fn as_str(self) -> Option<&'static str> {
        match self {
            Version::V2012_10_17 => Some("2012-10-17"),
            Version::V2008_10_17 => Some("2008-10-17"),
            Version::Missing => None,
        }
    }
}

/// A parsed trust policy.
#[derive(Debug, Clone)]
pub struct Policy {
    pub version: Version,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
    /// Things IAM accepts but that deserve a word (empty arrays, missing version, ...).
    pub warnings: Vec<PolicyWarning>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// One statement.
#[derive(Debug, Clone)]
pub struct Statement {
    /// Position in the `Statement` array (0 when `Statement` is a single object).
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Principal,
    pub action: ActionList,
    /// All conditions of the statement, flattened: operator blocks and keys are both ANDed.
    pub conditions: Vec<Condition>,
    /// The `Condition` element itself, when present.
    pub condition_loc: Option<Loc>,
    pub loc: Loc,
}

impl Statement {
    /// A human name: the Sid, or the statement's position.
    pub fn name(&self) -> String {
        match &self.sid {
            Some(sid) if !sid.is_empty() => sid.clone(),
            _ => format!("statement {}", self.index),
        }
    }
}

/// The `Principal` element.
#[derive(Debug, Clone)]
pub enum Principal {
    /// `"Principal": "*"`. Undocumented for web identity; read as matching everyone (R10).
    Everyone(Loc),
    /// `{"AWS": ..., "Federated": ..., "Service": ...}`; entries are alternatives.
    Entries(Vec<PrincipalEntry>, Loc),
}

impl Principal {
    pub fn loc(&self) -> &Loc {
        match self {
            Principal::Everyone(loc) | Principal::Entries(_, loc) => loc,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    Aws,
    Federated,
    Service,
    CanonicalUser,
}

impl PrincipalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::Service => "Service",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }
}

#[derive(Debug, Clone)]
pub struct PrincipalEntry {
    pub kind: PrincipalKind,
    pub value: String,
    pub loc: Loc,
}

/// `Action` or `NotAction`.
#[derive(Debug, Clone)]
pub struct ActionList {
    /// `true` for `NotAction`.
    pub negated: bool,
    pub items: Vec<ActionPattern>,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub struct ActionPattern {
    pub raw: String,
    /// Compiled over the lowercased text: action names compare case-insensitively (R1.7).
    pub matcher: Matcher,
    pub loc: Loc,
}

impl ActionList {
    /// Does the list cover `action` (R2.7, R2.8)?
    pub fn covers(&self, action: &str) -> Option<&ActionPattern> {
        let lower = action.to_ascii_lowercase();
        self.items.iter().find(|p| p.matcher.is_match(&lower))
    }

    /// Does the statement apply to `action`, honouring `NotAction`?
    pub fn applies_to(&self, action: &str) -> bool {
        self.covers(action).is_some() != self.negated
    }
}

#[cfg(test)]
mod tests;
