//! The roles of a template, each with its trust policy, suppressions and labels.
//!
//! Read: `AWS::IAM::Role` (`Properties.AssumeRolePolicyDocument`), and
//! `AWS::Serverless::Function` when it sets `AssumeRolePolicyDocument` (SAM then puts that
//! document on the role it generates). A SAM function without one gets SAM's default role,
//! which trusts only `lambda.amazonaws.com`, and a function with `Role` uses a role declared
//! elsewhere: neither has a trust policy in this template, so neither is read.

use std::borrow::Cow;

use super::intrinsic::Resolver;
use super::template::Template;
use crate::json::{self, Kind, Member, Node, Span};
use crate::source::{Found, InlineIgnore, ReadError};

/// Resource types whose trust policy this reader reads.
const ROLE_TYPES: &[&str] = &["AWS::IAM::Role", "AWS::Serverless::Function"];

/// Every role of a parsed template, in document order.
pub fn roles(
    root: &Node<'static>,
    template: &Template<'_>,
    errors: &mut Vec<ReadError>,
) -> Vec<Found> {
    let Some(resources) = root.get("Resources").and_then(Node::as_object) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for m in resources {
        if m.key.starts_with("Fn::ForEach::") {
            errors.push(error(
                "unexpanded-foreach",
                format!(
                    "`{}` (AWS::LanguageExtensions) is not expanded: the roles it makes are \
                     not linted",
                    m.key
                ),
                m.key_span.clone(),
            ));
            continue;
        }
        let kind = m
            .value
            .get("Type")
            .and_then(Node::as_str)
            .unwrap_or_default();
        if !ROLE_TYPES.contains(&kind) {
            continue;
        }
        let document = m
            .value
            .get("Properties")
            .and_then(|p| p.get("AssumeRolePolicyDocument"));
        if kind != "AWS::IAM::Role" && document.is_none() {
            continue;
        }
        out.push(role(template, m, kind, document, errors));
    }
    out
}

fn role(
    template: &Template<'_>,
    m: &Member<'static>,
    kind: &str,
    document: Option<&Node<'static>>,
    errors: &mut Vec<ReadError>,
) -> Found {
    let address = format!("Resources.{}", m.key);
    let span = m.key_span.start..m.value.span.end.max(m.key_span.start);
    let mut resolver = Resolver::new(template);
    let tree = match document {
        None => Err(error(
            "missing-trust-policy",
            format!("{address} has no `Properties.AssumeRolePolicyDocument`"),
            span.clone(),
        )),
        Some(d) => {
            let resolved = resolver.resolve(d);
            document_tree(&address, d, resolved, &resolver)
        }
    };
    errors.extend(
        resolver
            .errors
            .drain(..)
            .map(|e| error(e.code, e.message, e.span)),
    );
    let mut labels = Vec::new();
    let metadata = m.value.get("Metadata");
    if let Some(path) = metadata
        .and_then(|md| md.get("aws:cdk:path"))
        .and_then(Node::as_str)
    {
        labels.push(("logical-id".to_string(), m.key.to_string()));
        labels.push(("cdk-path".to_string(), path.to_string()));
    }
    if let Some(name) = m
        .value
        .get("Properties")
        .and_then(|p| p.get("RoleName"))
        .and_then(Node::as_str)
    {
        labels.push(("role-name".to_string(), name.to_string()));
    }
    if kind != "AWS::IAM::Role" {
        labels.push(("generated-by".to_string(), kind.to_string()));
    }
    Found {
        file: 0,
        address,
        span,
        tree,
        placeholders: resolver.placeholders,
        ignores: ignores(metadata, errors),
        labels,
        before: None,
    }
}

/// The evaluated document as a policy tree. A document that is a string (CloudFormation takes
/// JSON text for a JSON property, and `!Sub |` over a JSON block is a common way to write one)
/// is parsed; its nodes all point at the string, since the JSON sits escaped or indented in
/// the template and its own offsets are not the file's.
fn document_tree(
    address: &str,
    written: &Node<'static>,
    resolved: Option<Node<'static>>,
    resolver: &Resolver<'_>,
) -> Result<Node<'static>, ReadError> {
    let Some(resolved) = resolved else {
        return Err(error(
            "missing-trust-policy",
            format!("the trust policy of {address} is `AWS::NoValue`"),
            written.span.clone(),
        ));
    };
    let Kind::String(text) = &resolved.kind else {
        return Ok(resolved);
    };
    if let Some(p) = resolver.placeholders.iter().find(|p| p.text == *text) {
        return Err(error(
            "unresolved-document",
            format!(
                "the trust policy of {address} is `{}`, which is not known until deploy time",
                p.what
            ),
            written.span.clone(),
        ));
    }
    if !text.trim_start().starts_with('{') {
        return Ok(resolved);
    }
    match json::parse(text) {
        Ok(tree) => Ok(at_span(&tree, &resolved.span)),
        Err(e) => Err(error(
            "invalid-policy-json",
            format!("the trust policy of {address} is a string that is not JSON: {e}"),
            resolved.span.clone(),
        )),
    }
}

/// An owned copy of `node` with every span set to `span`.
fn at_span(node: &Node<'_>, span: &Span) -> Node<'static> {
    let kind = match &node.kind {
        Kind::Null => Kind::Null,
        Kind::Bool(b) => Kind::Bool(*b),
        Kind::Number(n) => Kind::Number(Cow::Owned(n.to_string())),
        Kind::String(s) => Kind::String(Cow::Owned(s.to_string())),
        Kind::Array(items) => Kind::Array(items.iter().map(|i| at_span(i, span)).collect()),
        Kind::Object(members) => Kind::Object(
            members
                .iter()
                .map(|m| Member {
                    key: Cow::Owned(m.key.to_string()),
                    key_span: span.clone(),
                    value: at_span(&m.value, span),
                })
                .collect(),
        ),
    };
    Node {
        span: span.clone(),
        kind,
    }
}

/// `Metadata: { rolecall: { ignore: [{ rule, reason }] } }`. The reason is required, as in
/// `rolecall.toml`; an entry without one is an error and suppresses nothing.
fn ignores(metadata: Option<&Node<'static>>, errors: &mut Vec<ReadError>) -> Vec<InlineIgnore> {
    let Some(section) = metadata.and_then(|md| md.get("rolecall")) else {
        return Vec::new();
    };
    let Some(list) = section.get("ignore") else {
        return Vec::new();
    };
    let Some(items) = list.as_array() else {
        errors.push(error(
            "invalid-ignore",
            "`rolecall.ignore` is a list of { rule, reason }".to_string(),
            list.span.clone(),
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        let rule = item.get("rule").and_then(Node::as_str);
        let reason = item.get("reason").and_then(Node::as_str).map(str::trim);
        match (rule, reason) {
            (Some(rule), Some(reason)) if !reason.is_empty() => out.push(InlineIgnore {
                rule: rule.to_string(),
                reason: reason.to_string(),
                span: item.span.clone(),
            }),
            (Some(rule), _) => errors.push(error(
                "ignore-without-reason",
                format!("the ignore of `{rule}` needs a `reason`"),
                item.span.clone(),
            )),
            (None, _) => errors.push(error(
                "invalid-ignore",
                "an ignore needs a `rule` (a rule id) and a `reason`".to_string(),
                item.span.clone(),
            )),
        }
    }
    out
}

fn error(code: &'static str, message: String, span: Span) -> ReadError {
    ReadError {
        file: 0,
        span,
        code,
        message,
    }
}
