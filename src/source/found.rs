//! What a template reader (CloudFormation, Terraform plan, Terraform HCL) hands the source
//! layer: each role's trust policy as a JSON-shaped tree whose spans point into the reader's
//! own file, so `policy::from_node` locates every finding at the user's line, not at a
//! re-serialized copy.
//!
//! Readers are pure: bytes (or a directory of files) in, [`ReadOutput`] out. They never print,
//! never panic on input, and report every problem as a located [`ReadError`].

use std::path::PathBuf;
use std::sync::Arc;

use crate::json::{Node, Span};

/// A file a reader read. Spans in [`Found`] and [`ReadError`] are byte offsets into `text`.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: Arc<str>,
}

/// Everything a reader found in one input (a file, or a Terraform module tree).
#[derive(Debug, Clone, Default)]
pub struct ReadOutput {
    pub files: Vec<SourceFile>,
    pub found: Vec<Found>,
    /// Problems that are not one role's: a syntax error, a file that cannot be read.
    pub errors: Vec<ReadError>,
    /// Remarks that are not problems, located: what the reader chose not to follow (a nested
    /// stack whose template is remote). `lint -v` shows them.
    pub notes: Vec<ReadError>,
    /// Files read as part of this input rather than on their own: the local templates of a
    /// CloudFormation template's nested stacks, as their paths were joined. A run that also
    /// finds one of them by walking does not lint it a second time, without its parameters.
    pub nested: Vec<PathBuf>,
}

/// One role's trust policy.
#[derive(Debug, Clone)]
pub struct Found {
    /// Index into [`ReadOutput::files`] of the file the role is declared in.
    pub file: usize,
    /// The resource address: `Resources.DeployRole`, `module.ci.aws_iam_role.deploy`.
    pub address: String,
    /// The role resource's span (for findings about the role as a whole).
    pub span: Span,
    /// The policy document as a tree, spans into `files[file]`; or why it could not be built
    /// (a statement that could not be expanded, an unresolvable document).
    pub tree: Result<Node<'static>, ReadError>,
    /// Values that are not known until deploy time, each replaced by a fixed literal.
    pub placeholders: Vec<Placeholder>,
    /// Suppressions written next to the resource (CloudFormation `Metadata.rolecall.ignore`).
    pub ignores: Vec<InlineIgnore>,
    /// What the reader knows about the resource besides its address, shown with findings:
    /// `("cdk-path", "Stack/DeployRole/Resource")`, `("logical-id", "DeployRole1A2B")`.
    pub labels: Vec<(String, String)>,
    /// Terraform plan `resource_changes`: the policy before the change, when there is one.
    pub before: Option<Node<'static>>,
}

/// A value unknown until deploy time (`!Ref` to a resource, `!GetAtt`, a parameter without a
/// default, `var.x` without a default, a registry module's output, ...).
///
/// Its `text` is what stands in the tree: one fixed, non-empty literal with no `*`, `?` or
/// `$`, so the evaluator and the model treat it as an opaque value that matches only
/// itself. Build it with [`Placeholder::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    pub text: String,
    /// What it stands for, in the template's own words: `!GetAtt Bucket.Arn`, `var.repo`.
    pub what: String,
    /// Where that expression is written.
    pub span: Span,
}

impl Placeholder {
    /// `what` is the expression as the user wrote it; the text is `<what>` with any
    /// character IAM would read as a wildcard or variable replaced by `_`.
    pub fn new(what: impl Into<String>, span: Span) -> Self {
        let what = what.into();
        let body: String = what
            .chars()
            .map(|c| match c {
                '*' | '?' | '$' => '_',
                c if c.is_control() => '_',
                c => c,
            })
            .collect();
        Placeholder {
            text: format!("<{body}>"),
            what,
            span,
        }
    }
}

/// A suppression written in the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineIgnore {
    pub rule: String,
    pub reason: String,
    pub span: Span,
}

/// A located problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// Index into [`ReadOutput::files`].
    pub file: usize,
    pub span: Span,
    /// Kebab-case: `invalid-yaml`, `unknown-tag`, `duplicate-key`, `invalid-hcl`,
    /// `cyclic-local`, `unexpanded-statement`, `too-large`, `too-deep`, ...
    pub code: &'static str,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_placeholder_carries_no_wildcard_or_variable() {
        let p = Placeholder::new("!Sub ${Repo}*?", 3..9);
        assert_eq!(p.text, "<!Sub _{Repo}__>");
        assert!(!p.text.contains(['*', '?', '$']));
        assert_eq!(p.what, "!Sub ${Repo}*?");
    }
}
