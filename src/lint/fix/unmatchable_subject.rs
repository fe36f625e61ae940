//! Placeholder.

use super::{FixInput, Proposal};

pub fn propose(_input: &FixInput<'_>) -> Option<Proposal> {
    None
}
