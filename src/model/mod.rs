//! An exact model of the requests a trust policy allows for `sts:AssumeRoleWithWebIdentity`.
//!
//! # What is modelled
//! A request is made by one caller (a Federated principal) presenting one token of that
//! provider, from one source address (or none, through a VPC endpoint), at one time. Tokens
//! are identities of the provider's identity model ([`identity`]): every claim is rendered
//! from the identity's fields, so the model never admits a token no provider would issue
//! (within the model's stated domains). The model covers tokens with and without session tags
//! and a source identity when the policy treats those actions differently.
//!
//! # How it is exact
//! Every condition value on a key is an automaton (`StringLike` with IAM's `*` and `?`,
//! `IgnoreCase` folding through the value's lowercase, literals for the `Equals` forms), an
//! address interval, or a time threshold. For each field the search finds every class of
//! values that all of those automata treat alike ([`field`]), and one value per class; for
//! addresses and times the elementary intervals do the same. Any request is equivalent, for
//! every condition of the policies, to one built from class representatives, so evaluating
//! the representatives with the engine ([`crate::eval::evaluate`]) decides every request. The
//! engine is the judge, so the model agrees with it by construction; the search's job is to
//! miss no class.
//!
//! # What it answers
//! [`who`] (every way in), [`diff`] (requests one policy allows and another does not),
//! [`outside`] (admitted identities outside a declared set, whose values
//! [`Options::distinguish`] makes classes of their own) and [`admits_anyone`] (is the admitted
//! set empty? stopping at the first allowed request).
//!
//! # What it refuses
//! A construct it cannot treat exactly is a [`ModelError::Unsupported`] error, never a guess:
//! policy variables that name a key the request can carry, `Numeric`/`Date`/`Arn`/`Binary`/IP
//! operators on token claims, string operators on `aws:SourceIp` or the time keys, conditions
//! on session-tag keys, and case folding of Greek sigma. A search past [`Limits`] is
//! [`ModelError::TooComplex`].

mod admitted;
mod atoms;
mod automaton;
mod chars;
mod contained;
mod dfa;
mod diff;
mod error;
mod field;
pub mod identity;
mod memo;
mod role_who;
mod space;
mod who;

pub use admitted::{admitted, Sight};
pub use contained::{admits_anyone, outside, Admitted, Outside};
pub use diff::{diff, Diff, Way};
pub use error::ModelError;
pub use memo::Memo;
pub use role_who::{role_who, RoleWho, WhoCache};
pub use space::{Options, Witness};

/// The caps that bound a search ([`Options`]'s `max_*` fields); past one the answer is
/// [`ModelError::TooComplex`], whose message points here.
pub type Limits = Options;
pub use who::{who, Who, WhoLine};

#[cfg(test)]
mod tests;
