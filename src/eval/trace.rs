//! The decision and its explanation, as data.

use crate::policy::{Effect, Loc};

/// Allow or Deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    Deny,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allow => "Allow",
            Verdict::Deny => "Deny",
        }
    }
}

/// The outcome for one required action (R2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionOutcome {
    /// Allowed by the statement at this position in `Decision::statements`.
    Allowed { by: usize },
    /// Denied explicitly by the statement at this position.
    ExplicitDeny { by: usize },
    /// No statement allowed it.
    ImplicitDeny,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActionDecision {
    pub action: &'static str,
    pub outcome: ActionOutcome,
}

/// The result of evaluating a policy against a request.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub verdict: Verdict,
    pub actions: Vec<ActionDecision>,
    pub statements: Vec<StatementTrace>,
}

impl Decision {
    /// The statement that decided: the first denying one, else the one that allowed the main
    /// action, else none.
    pub fn deciding_statement(&self) -> Option<&StatementTrace> {
        let denial = self.actions.iter().find_map(|a| match a.outcome {
            ActionOutcome::ExplicitDeny { by } => Some(by),
            _ => None,
        });
        let allow = self.actions.first().and_then(|a| match a.outcome {
            ActionOutcome::Allowed { by } => Some(by),
            _ => None,
        });
        self.statements.get(denial.or(allow)?)
    }
}

/// How one statement fared.
#[derive(Debug, Clone, PartialEq)]
pub struct StatementTrace {
    pub index: usize,
    pub name: String,
    pub effect: Effect,
    pub loc: Loc,
    /// The principal entry that matched the caller, or `None`.
    pub principal_match: Option<Loc>,
    pub principal_loc: Loc,
    /// For each required action, whether `Action`/`NotAction` covers it.
    pub actions: Vec<(&'static str, bool)>,
    pub action_loc: Loc,
    pub conditions: Vec<ConditionTrace>,
    /// All conditions hold (vacuously true with none).
    pub conditions_hold: bool,
}

impl StatementTrace {
    /// The statement applies to `action`.
    pub fn applies_to(&self, action: &str) -> bool {
        self.principal_match.is_some()
            && self.conditions_hold
            && self.actions.iter().any(|(a, ok)| *a == action && *ok)
    }
}

/// How one condition fared.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionTrace {
    pub operator: String,
    pub key: String,
    pub operator_loc: Loc,
    pub key_loc: Loc,
    /// The request's values for the key; `None` when the key is absent.
    pub request: Option<Vec<String>>,
    pub holds: bool,
    pub reason: Reason,
    /// Set when the outcome rests on undocumented behaviour: the rule and the reading taken.
    pub undocumented: Option<&'static str>,
}

/// Why a condition came out the way it did.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// A listed value matched (positive operator); carries the value and its location.
    Matched { value: String, loc: Loc },
    /// No listed value matched (positive operator).
    NoneMatched,
    /// A listed value matched, which a negated operator forbids.
    ExcludedMatched { value: String, loc: Loc },
    /// No listed value matched, as a negated operator requires.
    NoneExcluded,
    /// The key is absent: positive operators fail, negated ones hold (R3.3).
    KeyAbsent,
    /// The key is absent and the operator ends in `IfExists` (R3.5).
    AbsentIfExists,
    /// `Null` checked presence (R3.6).
    NullCheck { present: bool },
    /// `ForAllValues`: every request value passed, or the set was empty (R3.7).
    AllValuesPassed { empty: bool },
    /// `ForAllValues`: this request value did not pass.
    ValueFailed { value: String },
    /// `ForAnyValue`: this request value passed.
    AnyValuePassed { value: String },
    /// `ForAnyValue`: no request value passed, or the set was empty.
    NoValuePassed { empty: bool },
    /// A multivalued key under a plain operator (R3.8).
    MultivaluedUnderPlainOperator,
}
