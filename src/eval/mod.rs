//! The decision engine: what STS decides for `AssumeRoleWithWebIdentity`.
//!
//! # Semantics
//! Each bullet names the rule of `semantics.md` it follows and a corpus case that shows it
//! (`corpus/eval/...`).
//! - Default deny; an applicable `Deny` beats any `Allow` (R2.3; `semantics/explicit-deny-overrides-allow`).
//! - A statement applies when its principal, its action and all its conditions match (R2.2).
//! - The caller's principal is the provider ARN, or a built-in provider's domain, compared
//!   exactly (R2.5; `semantics/principal-mismatch-implicit-deny`). `"Principal": "*"` and
//!   `{"AWS": "*"}` are read as matching every caller ([UNDOC] R10 safe reading).
//! - Actions match case-insensitively with `*`/`?` wildcards; `NotAction` covers everything it
//!   does not list (R2.7, R2.8).
//! - Session tags in the token require `sts:TagSession`; a source identity requires
//!   `sts:SetSourceIdentity`. Each required action is decided separately and all must be
//!   allowed (R2.10; `semantics/session-tags-require-tagsession`).
//! - Operator blocks are ANDed, keys are ANDed, values are ORed; negated operators hold only if
//!   no value matches (R3.2; `semantics/negated-multi-value-is-nor-deny-applied`).
//! - A missing key fails positive operators and satisfies negated ones; `IfExists` holds on a
//!   missing key; `Null` tests presence (R3.3, R3.5, R3.6).
//! - `ForAllValues` holds on an empty request set, `ForAnyValue` fails on it (R3.7).
//! - A multivalued key under a plain positive operator never matches (R3.8).
//! - `StringLike`: `*` crosses every character, `?` is one character, all else is literal and
//!   case-sensitive (R4.1; see [`crate::pattern`]).
//! - Policy variables are substituted under 2012-10-17 only; a variable with no value fails
//!   positive operators and satisfies negated ones (R4.5, R4.6).
//! - Where AWS is silent the engine takes the statement's permissive side and marks the
//!   condition's trace as undocumented (§10).

mod condition;
mod trace;

pub use trace::{
    ActionDecision, ActionOutcome, ConditionTrace, Decision, Reason, StatementTrace, Verdict,
};

use crate::policy::{Effect, Policy, Principal, PrincipalKind, Statement};
use crate::request::Request;
use condition::Lean;

/// Evaluate `policy` for `request`.
pub fn evaluate(policy: &Policy, request: &Request) -> Decision {
    let statements: Vec<StatementTrace> = policy
        .statements
        .iter()
        .map(|s| statement(s, request))
        .collect();
    let actions: Vec<ActionDecision> = request
        .actions
        .iter()
        .map(|&action| {
            let applying = |effect: Effect| {
                statements
                    .iter()
                    .position(|t| t.effect == effect && t.applies_to(action))
            };
            let outcome = match (applying(Effect::Deny), applying(Effect::Allow)) {
                (Some(by), _) => ActionOutcome::ExplicitDeny { by },
                (None, Some(by)) => ActionOutcome::Allowed { by },
                (None, None) => ActionOutcome::ImplicitDeny,
            };
            ActionDecision { action, outcome }
        })
        .collect();
    let allowed = actions
        .iter()
        .all(|a| matches!(a.outcome, ActionOutcome::Allowed { .. }));
    Decision {
        verdict: if allowed {
            Verdict::Allow
        } else {
            Verdict::Deny
        },
        actions,
        statements,
    }
}

fn statement(s: &Statement, request: &Request) -> StatementTrace {
    let lean = match s.effect {
        Effect::Allow => Lean::Hold,
        Effect::Deny => Lean::Fail,
    };
    let conditions: Vec<ConditionTrace> = s
        .conditions
        .iter()
        .map(|c| condition::evaluate(c, request, lean))
        .collect();
    StatementTrace {
        index: s.index,
        name: s.name(),
        effect: s.effect,
        loc: s.loc.clone(),
        principal_match: principal_match(&s.principal, &request.principal),
        principal_loc: s.principal.loc().clone(),
        actions: request
            .actions
            .iter()
            .map(|&a| (a, s.action.applies_to(a)))
            .collect(),
        action_loc: s.action.loc.clone(),
        conditions_hold: conditions.iter().all(|c| c.holds),
        conditions,
    }
}

/// The principal entry that names the caller (R2.5).
fn principal_match(p: &Principal, caller: &str) -> Option<crate::policy::Loc> {
    match p {
        Principal::Everyone(loc) => Some(loc.clone()),
        Principal::Entries(entries, _) => entries
            .iter()
            .find(|e| match e.kind {
                PrincipalKind::Federated => e.value == caller,
                // [UNDOC] R10: `{"AWS": "*"}` is read as matching every caller.
                PrincipalKind::Aws => e.value == "*",
                _ => false,
            })
            .map(|e| e.loc.clone()),
    }
}
