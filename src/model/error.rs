//! Why the model cannot answer exactly.

use thiserror::Error;

/// The model either answers exactly or says why it cannot; it never guesses.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ModelError {
    /// The search passed a documented cap ([`crate::model::Limits`]).
    #[error("too complex to decide exactly: {what} passed the cap of {cap} (see model::Limits)")]
    TooComplex { what: &'static str, cap: usize },
    /// A construct the model does not cover exactly; answering would be a guess.
    #[error("cannot decide exactly: {0}")]
    Unsupported(String),
}
