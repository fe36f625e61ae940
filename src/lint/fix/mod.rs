//! `lint --fix`: for a finding whose rule has a fix, the smallest edit of the user's own file
//! that removes it, proven by the exact model before it is applied.
//!
//! - a rule declares [`Fix`] in its value: [`Fix::Auto`] (applied when proven),
//!   [`Fix::Suggestion`] (offered, never applied) or [`Fix::None`];
//! - its [`Fixer`] turns a finding into a [`Proposal`]: [`Edit`]s on the file's bytes, made
//!   from the spans the source layer carries, so only the changed values' bytes move;
//! - [`prove`] applies the edits, re-reads the file through the source layer, and asks the
//!   model's `diff` whether the fixed policy admits anything the original does not, and the
//!   evaluator whether every identity the policy evidently intends is still admitted;
//! - [`fix_paths`] is the front door: it fixes files step by step, each step proven against
//!   the one before, and gives the remaining findings with their suggestions attached.

mod cross_tenant_subject;
mod edit;
mod insert;
mod intended;
mod missing_audience_condition;
mod prove;
mod relocate;
mod run;
mod set_operator_on_single_valued_key;
mod unmatchable_subject;
mod wildcard_under_exact_operator;
mod write;

pub use edit::{apply, Edit};
pub use prove::{prove, Proof};
pub use run::{fix_paths, FixMode, FixOptions, FixRun, FixedFile};
pub use write::{write_atomically, WriteError};

pub(crate) use cross_tenant_subject::propose as cross_tenant_subject;
pub(crate) use missing_audience_condition::propose as missing_audience_condition;
pub(crate) use set_operator_on_single_valued_key::propose as set_operator_on_single_valued_key;
pub(crate) use unmatchable_subject::propose as unmatchable_subject;
pub(crate) use wildcard_under_exact_operator::propose as wildcard_under_exact_operator;

use super::{Finding, LintContext};

/// What a rule can do about its findings.
#[derive(Clone, Copy)]
pub enum Fix {
    /// An edit `--fix` applies when the model proves it keeps or narrows access.
    Auto(Fixer),
    /// An edit that is only ever offered: it changes who is admitted on purpose (a condition
    /// that never held starts to), so no proof of "no new access" can hold.
    Suggestion(Fixer),
    /// No edit: the fix needs a decision only the owner can make.
    None,
}

impl Fix {
    /// `auto`, `suggestion` or `none`: what `rolecall rules` and the README say.
    pub fn as_str(&self) -> &'static str {
        match self {
            Fix::Auto(_) => "auto",
            Fix::Suggestion(_) => "suggestion",
            Fix::None => "none",
        }
    }

    pub fn fixer(&self) -> Option<Fixer> {
        match self {
            Fix::Auto(f) | Fix::Suggestion(f) => Some(*f),
            Fix::None => None,
        }
    }

    pub fn is_auto(&self) -> bool {
        matches!(self, Fix::Auto(_))
    }
}

impl std::fmt::Debug for Fix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule's fix: the finding (one of its own) and its context in, an edit out, or `None` when
/// the finding's text cannot be edited safely (an escaped string, a value built by a template
/// function, a policy inside a URL-encoded string).
pub type Fixer = fn(&FixInput<'_>) -> Option<Proposal>;

/// What a fixer sees.
pub struct FixInput<'a> {
    pub ctx: &'a LintContext<'a>,
    pub finding: &'a Finding,
    /// The whole file's text, which the policy's spans index.
    pub text: &'a str,
    /// The file's syntax, for insertions.
    pub syntax: Syntax,
}

/// The file syntaxes an insertion knows how to write into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// JSON, or YAML (CloudFormation): a `{` container takes JSON members, a block mapping
    /// takes indented lines.
    JsonOrYaml,
    /// Terraform HCL: values and keys can be edited in place, nothing inserted.
    Hcl,
}

/// A fixer's edit, before its proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// What the edit does, in words: "end the owner with `/`: `repo:acme/*`".
    pub description: String,
    /// Byte edits of the file, not overlapping.
    pub edits: Vec<Edit>,
}

/// A fix offered with a finding: the edit, and whether the model proved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub description: String,
    pub edits: Vec<Edit>,
    pub proof: Proof,
    /// The rule's fix is [`Fix::Auto`]: `--fix` applies it once proven.
    pub auto: bool,
}

impl Offer {
    /// Will `--fix` apply it?
    pub fn applicable(&self) -> bool {
        self.auto && self.proof == Proof::Proven
    }
}

#[cfg(test)]
mod tests;

/// The condition value at `span` (a finding's location), with its statement and the provider
/// whose claim it conditions.
pub(crate) fn value_at<'c>(
    ctx: &'c LintContext<'c>,
    span: &crate::json::Span,
) -> Option<Located<'c>> {
    ctx.statements.iter().find_map(|view| {
        view.statement.conditions.iter().find_map(|c| {
            let value = c.values.iter().find(|v| v.loc.span == *span)?;
            let provider = view
                .providers
                .iter()
                .find(|p| super::claim_of(&c.key_lower, &p.prefix_lower).is_some());
            Some(Located {
                provider,
                condition: c,
                value,
            })
        })
    })
}

/// A condition value and where it sits.
pub(crate) struct Located<'c> {
    pub provider: Option<&'c super::ProviderView<'c>>,
    pub condition: &'c crate::policy::Condition,
    pub value: &'c crate::policy::CondValue,
}

/// The condition whose operator is written at `span`.
pub(crate) fn condition_at<'c>(
    ctx: &'c LintContext<'c>,
    span: &crate::json::Span,
) -> Option<(&'c super::StatementView<'c>, &'c crate::policy::Condition)> {
    ctx.statements.iter().find_map(|view| {
        view.statement
            .conditions
            .iter()
            .find(|c| c.operator_loc.span == *span)
            .map(|c| (view, c))
    })
}

/// Rename the operator of `c` to `to`, in place: every key of its block moves with it.
pub(crate) fn rename_operator(
    text: &str,
    c: &crate::policy::Condition,
    to: &crate::policy::Operator,
) -> Option<Edit> {
    edit::within(text, &c.operator_loc.span, &c.operator.name(), &to.name())
}
