//! Findings: typed data with a location. Rendering happens in the CLI.

use std::net::IpAddr;

use serde_json::{Map, Value};

use crate::policy::Loc;

/// How bad a finding is. The meanings are fixed:
/// - `Error`: an identity outside the owner's tenant can assume the role, or a construct fails
///   open;
/// - `Warning`: broader than one pipeline inside the tenant, or a condition that can never match;
/// - `Note`: hygiene.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "note" => Some(Severity::Note),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// A concrete request the policy admits, outside the scope it seems to intend. The linter only
/// reports a witness after its own evaluator has allowed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Witness {
    /// Token claims (decoded), with `iss` naming the provider.
    pub claims: Map<String, Value>,
    /// `aws:SourceIp`, when the policy needs one.
    pub source_ip: Option<IpAddr>,
    /// The caller's principal (provider ARN or built-in domain).
    pub principal: String,
    /// Who this is, in words: "a pipeline of repository `{...}` (not the one the policy names)".
    pub who: String,
}

/// One finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The primary location.
    pub loc: Loc,
    /// Secondary locations with labels.
    pub related: Vec<(Loc, String)>,
    pub help: Option<String>,
    pub witness: Option<Witness>,
    /// The fix `lint --fix` offers for it, proven or not (set only by `lint --fix`).
    pub fix: Option<super::fix::Offer>,
}

impl Finding {
    pub fn new(
        rule: &'static str,
        severity: Severity,
        loc: Loc,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            rule,
            severity,
            message: message.into(),
            loc,
            related: Vec::new(),
            help: None,
            witness: None,
            fix: None,
        }
    }

    pub fn related(mut self, loc: Loc, label: impl Into<String>) -> Self {
        self.related.push((loc, label.into()));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn witness(mut self, witness: Option<Witness>) -> Self {
        self.witness = witness;
        self
    }
}
