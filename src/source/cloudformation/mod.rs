//! CloudFormation and SAM templates, JSON or YAML, and CDK's `cdk.out/*.template.json`
//! (CloudFormation JSON with `aws:cdk:path` metadata).
//!
//! Each role becomes one [`Found`] at `Resources.<LogicalId>` whose tree is its
//! `AssumeRolePolicyDocument` with intrinsic functions evaluated where the template alone
//! decides them, and named placeholders elsewhere (see [`intrinsic`]). The tree's spans are
//! the template's own, so findings land on the user's line.
//!
//! Not resolved, and how each is reported:
//! - `Fn::If`, `Fn::ImportValue`, `Fn::GetAZs`, `Fn::Base64`, `Fn::Cidr`, `Fn::Transform`,
//!   `Fn::Length`, `Fn::ToJsonString` and the condition functions: a placeholder named after the
//!   expression (`<!If [IsProd, a, b]>`).
//! - `Ref`/`${}` to a resource, `Fn::GetAtt` (except an OIDC provider's ARN), a parameter
//!   without `Default`, an SSM-typed parameter: a placeholder.
//! - `AWS::Region`, `AWS::StackName`, `AWS::StackId`, `AWS::NotificationARNs`: placeholders;
//!   `AWS::AccountId` is the placeholder `000000000000`.
//! - A whole trust policy that is a placeholder: the role's tree is an `unresolved-document`
//!   error.
//! - `Ref` to a name the template does not declare, an unknown `Fn::` function, or arguments a
//!   function does not take: a located error (`unknown-reference`, `unknown-function`,
//!   `invalid-intrinsic`) and a placeholder in the tree.
//! - `Fn::ForEach` (AWS::LanguageExtensions): an `unexpanded-foreach` error at its key.
//! - Nested stacks (`AWS::CloudFormation::Stack` `TemplateURL`, `AWS::Serverless::Application`
//!   `Location`) are followed when the template is a local path, relative to the parent's file
//!   (see `nested.rs`): the child's roles are `Resources.<Stack>.Resources.<Role>`, located in
//!   the child, its parameters bound from the parent's `Parameters` (evaluated in the parent;
//!   what the parent cannot decide is a placeholder; one not passed keeps the child's
//!   `Default`). Not followed, each a `not-followed` note (`lint -v`): a remote template
//!   (`https://`, `s3://`), a Serverless Application Repository application (`ApplicationId`),
//!   a location or a `Parameters` map written as an intrinsic (the child then keeps its
//!   defaults). Located errors: a child that cannot be read (`missing-nested-template`, with
//!   the path tried), is not a template, or does not parse (its own error, in its file); a
//!   cycle (`nested-stack-cycle`); nesting over [`MAX_DEPTH`] levels (`nesting-too-deep`);
//!   over [`MAX_TEMPLATES`] nested templates under one (`too-many-nested-templates`). The
//!   parent's other roles are still read. A run (`lint`, `diff --git`) that reads a parent
//!   and its child lints the child once, through the parent; `diff --git` reads a parent's
//!   child at the same revision as the parent ([`read_with`] and its [`Fetch`]).
//! - `Transform` macros other than SAM's: not run.

mod intrinsic;
mod nested;
mod resources;
mod template;
mod yaml;

use std::path::Path;
use std::sync::Arc;

use crate::json;
use crate::source::{ReadError, ReadOutput, SourceError, SourceFile};

pub use intrinsic::ACCOUNT_ID;
pub use nested::{nested_elsewhere, normalize, Fetch, MAX_DEPTH, MAX_TEMPLATES};

/// Largest template read. CloudFormation itself deploys templates of at most 1 MB (from S3;
/// 51,200 bytes inline), and CDK's are CloudFormation's, so 8 MiB leaves room for any real
/// one while a stray 50 MB YAML file fails at once instead of being parsed.
pub use crate::source::MAX_TEMPLATE_BYTES;

/// Whether `text` is a CloudFormation or SAM template: it names `AWSTemplateFormatVersion`,
/// or it has `Resources` and a resource of an `AWS::` type. JSON or YAML; a cheap textual
/// test on top-level keys, so other JSON and YAML files (and a template escaped inside a
/// Terraform plan) are not mistaken for one.
pub fn sniff(text: &str) -> bool {
    top_level_key(text, "AWSTemplateFormatVersion")
        || (top_level_key(text, "Resources") && has_aws_type(text))
}

/// `key` as a member name: `"key":` in JSON (not escaped inside a string), or `key:` at the
/// start of a YAML line.
fn top_level_key(text: &str, key: &str) -> bool {
    text.match_indices(key).any(|(at, _)| {
        let before = text.get(..at).unwrap_or_default();
        let after = text.get(at + key.len()..).unwrap_or_default();
        if let Some(b) = before.strip_suffix('"') {
            !b.ends_with('\\')
                && after
                    .strip_prefix('"')
                    .is_some_and(|a| a.trim_start().starts_with(':'))
        } else {
            (before.is_empty() || before.ends_with('\n'))
                && after.trim_start_matches(' ').starts_with(':')
        }
    })
}

/// A `Type` member whose value starts with `AWS::`.
fn has_aws_type(text: &str) -> bool {
    text.match_indices("Type").any(|(at, _)| {
        let before = text.get(..at).unwrap_or_default();
        let mut after = text.get(at + 4..).unwrap_or_default();
        if let Some(b) = before.strip_suffix('"') {
            if b.ends_with('\\') {
                return false;
            }
            let Some(a) = after.strip_prefix('"') else {
                return false;
            };
            after = a;
        } else if !before.ends_with([' ', '\n', '\t']) {
            return false;
        }
        let Some(value) = after.trim_start_matches([' ', '\t']).strip_prefix(':') else {
            return false;
        };
        let value = value.trim_start_matches([' ', '\t']);
        let value = value.strip_prefix(['"', '\'']).unwrap_or(value);
        value.starts_with("AWS::")
    })
}

/// A nested template's text from disk ([`Fetch`]), size-capped and UTF-8 as any file read.
pub fn from_disk(path: &Path) -> Result<Arc<str>, SourceError> {
    crate::source::read_file(path).map(|f| Arc::clone(&f.text))
}

/// Read a template from bytes: non-UTF-8 input is a located error.
pub fn read_bytes(path: &Path, bytes: &[u8]) -> ReadOutput {
    match json::decode_utf8(bytes) {
        Ok(text) => read(path, text),
        Err(e) => failed(
            path,
            // The error's offset is counted after a leading BOM, as `decode_utf8` drops it.
            &String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)),
            ReadError {
                file: 0,
                span: e.span,
                code: "not-utf8",
                message: "the template is not valid UTF-8".to_string(),
            },
        ),
    }
}

/// Read every role of a template, and of the local templates its nested stacks name, read
/// from disk.
pub fn read(path: &Path, text: &str) -> ReadOutput {
    read_with(path, text, &from_disk)
}

/// [`read`], with nested templates had from `fetch` (a file at a git revision reads its
/// children at that revision).
pub fn read_with(path: &Path, text: &str, fetch: Fetch<'_>) -> ReadOutput {
    let mut nesting = nested::Nesting::new(path, fetch);
    let mut out = read_template(path, text, &nested::Bindings::new(), &mut nesting);
    // A nested role's file is its child template, which has no such address on its own: the
    // label names the template to read it from (`check FILE --resource ADDRESS`).
    let top = crate::source::display_name(path);
    for f in out.found.iter_mut().filter(|f| f.file != 0) {
        f.labels.push((NESTED_IN.to_string(), top.clone()));
    }
    out
}

/// The label of a nested stack's role naming the template read, whose address it has.
pub const NESTED_IN: &str = "nested-in";

/// One template of a read, its parameters `bound` by its parent (none for the one named).
fn read_template(
    path: &Path,
    text: &str,
    bound: &nested::Bindings,
    nesting: &mut nested::Nesting<'_>,
) -> ReadOutput {
    if text.len() > MAX_TEMPLATE_BYTES {
        return failed(
            path,
            "",
            ReadError {
                file: 0,
                span: 0..0,
                code: "too-large",
                message: format!(
                    "file too large: the template is {} bytes, over the {MAX_TEMPLATE_BYTES}-byte limit \
                     (CloudFormation's own is 1 MB)",
                    text.len()
                ),
            },
        );
    }
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let parsed = if text.trim_start().starts_with('{') {
        json::parse(text).map(|n| owned(&n)).map_err(|e| ReadError {
            file: 0,
            span: e.span,
            code: match e.kind {
                json::JsonErrorKind::TooDeep { .. } => "too-deep",
                json::JsonErrorKind::TooLarge { .. } => "too-large",
                _ => "invalid-json",
            },
            message: e.kind.to_string(),
        })
    } else {
        yaml::parse(text).map_err(|e| ReadError {
            file: 0,
            span: e.span,
            code: e.code,
            message: e.message,
        })
    };
    let root = match parsed {
        Ok(root) => root,
        Err(e) => return failed(path, text, e),
    };
    let mut errors = Vec::new();
    duplicates(&root, &mut errors);
    let template = template::Template::new(&root, text, bound);
    let found = resources::roles(&root, &template, &mut errors);
    let mut out = ReadOutput {
        files: vec![source_file(path, text)],
        found,
        errors,
        ..ReadOutput::default()
    };
    nested::follow(&root, &template, path, nesting, &mut out);
    out
}

/// Duplicate keys in a JSON template, outside trust policies (the policy parser reports those
/// itself, with both locations). YAML templates never get this far with one. CloudFormation
/// would keep one of the two without a word, as `serde_json` does: a second `Properties` or a
/// second resource of the same name silently replaces the first.
fn duplicates(node: &json::Node<'static>, errors: &mut Vec<ReadError>) {
    let Some(members) = node.as_object() else {
        if let Some(items) = node.as_array() {
            items.iter().for_each(|i| duplicates(i, errors));
        }
        return;
    };
    let mut seen = std::collections::HashMap::with_capacity(members.len());
    for m in members {
        if let Some(first) = seen.insert(m.key.as_ref(), m.key_span.start) {
            errors.push(ReadError {
                file: 0,
                span: m.key_span.clone(),
                code: "duplicate-key",
                message: format!(
                    "duplicate key `{}` (the first is at byte {first}); CloudFormation keeps \
                     only one of them",
                    m.key
                ),
            });
        }
        if m.key != "AssumeRolePolicyDocument" {
            duplicates(&m.value, errors);
        }
    }
}

fn source_file(path: &Path, text: &str) -> SourceFile {
    SourceFile {
        path: path.to_path_buf(),
        text: Arc::from(text),
    }
}

fn failed(path: &Path, text: &str, error: ReadError) -> ReadOutput {
    ReadOutput {
        files: vec![source_file(path, text)],
        found: Vec::new(),
        errors: vec![error],
        ..ReadOutput::default()
    }
}

/// An owned copy of a parsed JSON template (depth is capped by the parser).
fn owned(node: &json::Node<'_>) -> json::Node<'static> {
    use json::{Kind, Member, Node};
    use std::borrow::Cow;
    let kind = match &node.kind {
        Kind::Null => Kind::Null,
        Kind::Bool(b) => Kind::Bool(*b),
        Kind::Number(n) => Kind::Number(Cow::Owned(n.to_string())),
        Kind::String(s) => Kind::String(Cow::Owned(s.to_string())),
        Kind::Array(items) => Kind::Array(items.iter().map(owned).collect()),
        Kind::Object(members) => Kind::Object(
            members
                .iter()
                .map(|m| Member {
                    key: Cow::Owned(m.key.to_string()),
                    key_span: m.key_span.clone(),
                    value: owned(&m.value),
                })
                .collect(),
        ),
    };
    Node {
        span: node.span.clone(),
        kind,
    }
}

#[cfg(test)]
mod nested_tests;
#[cfg(test)]
mod tests;
