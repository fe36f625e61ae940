//! Why an intent cannot be written as a policy.

use thiserror::Error;

/// A bad intent: which input (`--repository`, `--from-token`, ...) and why.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{input}: {message}")]
pub struct GenerateError {
    pub input: &'static str,
    pub message: String,
}

impl GenerateError {
    pub fn new(input: &'static str, message: impl Into<String>) -> Self {
        GenerateError {
            input,
            message: message.into(),
        }
    }
}
