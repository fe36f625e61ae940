//! The source layer: bytes in, located trust-policy documents out. Every command takes its
//! documents from here; a new input format is one new reader.

pub mod cloudformation;
mod found;
pub mod terraform_plan;
pub mod terraform_hcl;

pub use found::{Found, InlineIgnore, Placeholder, ReadError, ReadOutput, SourceFile};
