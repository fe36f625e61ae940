#![doc = include_str!("../README.md")]

pub mod check;
pub mod diff;
pub mod eval;
pub mod generate;
pub mod json;
pub mod lint;
pub mod model;
pub mod pattern;
pub mod policy;
pub mod providers;
pub mod request;
pub mod source;
pub mod timestamp;
pub mod token;

pub use check::{check, CheckInput, CheckOutcome, CheckReport, CheckRequest};
pub use eval::{evaluate, Decision, Verdict};
pub use policy::{parse, Policy};
