//! The linter: rules over a parsed policy, each finding with a location and, for breadth
//! findings, a witness the evaluator has confirmed.

pub(crate) mod admitted;
mod breadth;
mod config;
pub mod config_file;
mod context;
mod finding;
pub mod fix;
mod model_token;
mod registry;
mod rules;
mod run;
mod shape;
pub mod witness_dir;

pub use breadth::Breadth;
pub use config::{Config, Ignore, Instance, Scope};
pub use context::{claim_of, restricts, LintContext, ProviderView, StatementView};
pub use finding::{Finding, Severity, Witness};
pub use registry::ALL;
pub use run::{
    lint_document, lint_documents, lint_paths, lint_source, LintOptions, LintRun, Linted, Skipped,
    SourceReport,
};

use crate::policy::{Policy, PolicyErrors};

/// A rule: plain data and a function.
pub struct Rule {
    /// Kebab-case, naming the bad pattern. Also the file stem of `rules/<id>.md`.
    pub id: &'static str,
    pub summary: &'static str,
    /// The severity it reports at unless the configuration changes it. A rule may report
    /// a finding at another severity when the meaning requires it (a shared issuer turns a
    /// warning into an error); configuration then caps nothing, it replaces.
    pub severity: Severity,
    /// `rules/<id>.md`: documentation and executable examples.
    pub doc: &'static str,
    pub check: fn(&LintContext<'_>, &mut Report),
    /// What `lint --fix` can do about its findings.
    pub fix: fix::Fix,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

/// Collects one rule's findings.
pub struct Report {
    rule: &'static Rule,
    findings: Vec<Finding>,
}

impl Report {
    /// Start a finding for this rule at its default severity.
    pub fn finding(&self, loc: &crate::policy::Loc, message: impl Into<String>) -> Finding {
        Finding::new(self.rule.id, self.rule.severity, loc.clone(), message)
    }

    pub fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }
}

/// The rule id for documents that are not valid policies.
pub const INVALID_POLICY: &str = "invalid-policy-document";

/// Run every enabled rule over `policy`. `origin` is the file path or role name, used for
/// ignores and declared scopes.
pub fn lint(policy: &Policy, config: &Config, origin: &str) -> Vec<Finding> {
    let ctx = LintContext::new(policy, config, origin);
    let mut out = Vec::new();
    for rule in ALL {
        if config.ignored(rule.id, origin) {
            continue;
        }
        let Some(configured) = config.severity(rule.id, rule.severity) else {
            continue;
        };
        let mut report = Report {
            rule,
            findings: Vec::new(),
        };
        (rule.check)(&ctx, &mut report);
        for mut f in report.findings {
            if config.rules.contains_key(rule.id) {
                f.severity = configured;
            }
            out.push(f);
        }
    }
    out.sort_by(|a, b| {
        a.loc
            .span
            .start
            .cmp(&b.loc.span.start)
            .then(b.severity.cmp(&a.severity))
            .then(a.rule.cmp(b.rule))
    });
    out
}

/// Findings for a document that does not parse as a policy: one error per problem.
pub fn invalid(errors: &PolicyErrors) -> Vec<Finding> {
    errors
        .0
        .iter()
        .map(|e| {
            let mut f = Finding::new(
                INVALID_POLICY,
                Severity::Error,
                e.loc.clone(),
                e.to_string(),
            );
            if let Some(first) = &e.related {
                f = f.related(first.clone(), "first here");
            }
            f
        })
        .collect()
}

/// Find a rule by id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.id == id)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod model_token_tests;
#[cfg(test)]
mod tests;
