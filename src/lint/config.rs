//! Lint configuration: severity changes, disabled rules, path-scoped ignores, self-hosted
//! provider instances and declared scopes. Read from `rolecall.toml` by the CLI.

use std::collections::BTreeMap;

use crate::pattern::Matcher;
use crate::providers::{Profile, Tenancy};

use super::Severity;

/// Everything `rolecall.toml` can say.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Per-rule severity; `None` disables the rule.
    pub rules: BTreeMap<String, Option<Severity>>,
    pub ignores: Vec<Ignore>,
    pub instances: Vec<Instance>,
    pub scopes: Vec<Scope>,
}

/// Suppress a rule for matching paths. A reason is required.
#[derive(Debug, Clone)]
pub struct Ignore {
    pub rule: String,
    /// Wildcard pattern over the file path (IAM-style `*`).
    pub path: String,
    pub reason: String,
}

/// A self-hosted instance of a built-in provider kind (GitLab self-managed, GHES, Jenkins...).
#[derive(Debug, Clone)]
pub struct Instance {
    /// Condition-key prefix: the issuer URL without `https://`.
    pub issuer: String,
    /// The built-in kind, with the subject forms of a declared custom template if any.
    pub kind: &'static Profile,
    /// The kind's own for an issuer it already knows; per tenant for a self-hosted one.
    pub tenancy: Tenancy,
    /// The declared custom subject template (`include_claim_keys`), if any: the identity
    /// model renders its forms.
    pub templates: Vec<Vec<String>>,
}

/// The intended scope of the roles in matching paths: every identity the policy admits must
/// have these `sub` field values.
#[derive(Debug, Clone)]
pub struct Scope {
    /// Wildcard pattern over the file path or role name.
    pub path: String,
    /// Field name (as in the provider profile, e.g. `repository`, `owner`, `repo`) to the
    /// values allowed (IAM-style wildcards allowed).
    pub fields: BTreeMap<String, Vec<String>>,
}

impl Config {
    /// The profile and tenancy for a condition-key prefix: a declared instance first, then
    /// the built-in profiles.
    pub fn resolve(&self, prefix: &str) -> Option<(&'static Profile, Tenancy)> {
        if let Some(i) = self.instances.iter().find(|i| i.issuer == prefix) {
            return Some((i.kind, i.tenancy));
        }
        Profile::for_prefix(prefix).map(|p| (p, p.tenancy))
    }

    /// The severity a rule reports at, or `None` when disabled.
    pub fn severity(&self, rule: &str, default: Severity) -> Option<Severity> {
        match self.rules.get(rule) {
            Some(s) => *s,
            None => Some(default),
        }
    }

    /// Is `rule` ignored for `path`?
    pub fn ignored(&self, rule: &str, path: &str) -> bool {
        self.ignores
            .iter()
            .any(|i| (i.rule == rule || i.rule == "*") && Matcher::new(&i.path).is_match(path))
    }

    /// Declared scopes for a path or role name.
    pub fn scopes_for<'s>(&'s self, path: &'s str) -> impl Iterator<Item = &'s Scope> + 's {
        self.scopes
            .iter()
            .filter(move |s| Matcher::new(&s.path).is_match(path))
    }
}
