//! Terraform plans as `terraform show -json plan.out` prints them.
//!
//! Each managed `aws_iam_role` becomes one [`Found`] at its plan address
//! (`module.ci.aws_iam_role.deploy`, `aws_iam_role.x["a"]`). The policy is read from
//! `planned_values` (the root module and every child module, at any depth) and, for roles only
//! `resource_changes` names, from the change's `after`. Where `resource_changes` also has a
//! `before` policy, it goes to [`Found::before`]. A role being deleted is not read: after the
//! apply it trusts no one.
//!
//! `assume_role_policy` is a JSON string in the plan; its tree's spans point at the escaped
//! text inside that string ([`embedded`]), so a finding's column is the value's own.
//!
//! A policy unknown until apply (`after_unknown.assume_role_policy: true`, for example one
//! built from another resource's attribute) is known only as a whole or not at all, since the
//! plan holds it as one string: its tree is an `unknown-until-apply` error and it carries one
//! placeholder naming the attribute.

mod embedded;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use crate::json::{self, Node, Span};
use crate::source::{Found, Placeholder, ReadError, ReadOutput, SourceFile};

/// Whether `text` is `terraform show -json` output: `format_version` and `planned_values`
/// or `resource_changes` as members (a textual test, so a plan is never parsed twice).
pub fn sniff(text: &str) -> bool {
    let head = text.trim_start();
    head.starts_with('{')
        && text.contains("\"format_version\"")
        && (text.contains("\"planned_values\"") || text.contains("\"resource_changes\""))
}

/// Read a plan from bytes: non-UTF-8 input is a located error.
pub fn read_bytes(path: &Path, bytes: &[u8]) -> ReadOutput {
    match json::decode_utf8(bytes) {
        Ok(text) => read(path, text),
        Err(e) => failed(
            path,
            // The error's offset is counted after a leading BOM, as `decode_utf8` drops it.
            &String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)),
            error(
                e.span,
                "not-utf8",
                "the plan is not valid UTF-8".to_string(),
            ),
        ),
    }
}

/// Read every IAM role of a plan.
pub fn read(path: &Path, text: &str) -> ReadOutput {
    let root = match json::parse(text) {
        Ok(root) => root,
        Err(e) => {
            let code = match e.kind {
                json::JsonErrorKind::TooLarge { .. } => "too-large",
                json::JsonErrorKind::TooDeep { .. } => "too-deep",
                _ => "invalid-json",
            };
            return failed(path, text, error(e.span, code, e.kind.to_string()));
        }
    };
    let mut out = ReadOutput {
        files: vec![SourceFile {
            path: path.to_path_buf(),
            text: Arc::from(text),
        }],
        found: Vec::new(),
        errors: Vec::new(),
        ..ReadOutput::default()
    };
    let changes = changes(&root);
    let mut seen = Vec::new();
    for resource in planned_roles(&root) {
        let Some(address) = resource.get("address").and_then(Node::as_str) else {
            continue;
        };
        seen.push(address.to_string());
        let change = changes.get(address).copied();
        let policy = resource
            .get("values")
            .and_then(|v| v.get("assume_role_policy"));
        out.found.push(role(
            text,
            address,
            resource.span.clone(),
            policy,
            change,
            &mut out.errors,
        ));
    }
    for (address, change) in ordered(&root, &changes) {
        if seen.iter().any(|s| s == address) || is_delete(change) {
            continue;
        }
        let policy = change
            .get("change")
            .and_then(|c| c.get("after"))
            .and_then(|a| a.get("assume_role_policy"));
        out.found.push(role(
            text,
            address,
            change.span.clone(),
            policy,
            Some(change),
            &mut out.errors,
        ));
    }
    out
}

/// `resource_changes` entries for managed `aws_iam_role`s, by address.
fn changes<'n>(root: &'n Node<'n>) -> HashMap<&'n str, &'n Node<'n>> {
    let mut out = HashMap::new();
    for c in root
        .get("resource_changes")
        .and_then(Node::as_array)
        .unwrap_or_default()
    {
        if is_role(c) {
            if let Some(address) = c.get("address").and_then(Node::as_str) {
                out.entry(address).or_insert(c);
            }
        }
    }
    out
}

/// The changes in plan order (a map has none).
fn ordered<'n>(
    root: &'n Node<'n>,
    changes: &HashMap<&'n str, &'n Node<'n>>,
) -> Vec<(&'n str, &'n Node<'n>)> {
    root.get("resource_changes")
        .and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(|c| {
            let address = c.get("address")?.as_str()?;
            changes.get(address).map(|c| (address, *c))
        })
        .collect()
}

fn is_role(resource: &Node<'_>) -> bool {
    resource.get("type").and_then(Node::as_str) == Some("aws_iam_role")
        && resource
            .get("mode")
            .and_then(Node::as_str)
            .unwrap_or("managed")
            == "managed"
}

fn is_delete(change: &Node<'_>) -> bool {
    let actions: Vec<&str> = change
        .get("change")
        .and_then(|c| c.get("actions"))
        .and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::as_str)
        .collect();
    actions == ["delete"]
}

/// Every managed `aws_iam_role` in `planned_values`, root module first, then child modules
/// depth-first (an explicit stack: module nesting is the plan's, not ours to trust).
fn planned_roles<'n>(root: &'n Node<'n>) -> Vec<&'n Node<'n>> {
    let mut out = Vec::new();
    let mut modules: Vec<&Node<'_>> = root
        .get("planned_values")
        .and_then(|p| p.get("root_module"))
        .into_iter()
        .collect();
    while let Some(module) = modules.pop() {
        for r in module
            .get("resources")
            .and_then(Node::as_array)
            .unwrap_or_default()
        {
            if is_role(r) {
                out.push(r);
            }
        }
        let children = module
            .get("child_modules")
            .and_then(Node::as_array)
            .unwrap_or_default();
        modules.extend(children.iter().rev());
    }
    out
}

fn role(
    text: &str,
    address: &str,
    span: Span,
    policy: Option<&Node<'_>>,
    change: Option<&Node<'_>>,
    errors: &mut Vec<ReadError>,
) -> Found {
    let detail = change.and_then(|c| c.get("change"));
    let unknown = detail
        .and_then(|d| d.get("after_unknown"))
        .and_then(|u| u.get("assume_role_policy"))
        .is_some_and(|v| v.kind == json::Kind::Bool(true));
    let mut placeholders = Vec::new();
    let tree = match policy {
        _ if unknown => {
            let what = format!("{address}.assume_role_policy (known after apply)");
            placeholders.push(Placeholder::new(what, span.clone()));
            Err(error(
                span.clone(),
                "unknown-until-apply",
                format!("the trust policy of {address} is not known until apply"),
            ))
        }
        Some(p) => policy_tree(text, address, p),
        None => Err(error(
            span.clone(),
            "missing-trust-policy",
            format!("{address} has no `assume_role_policy` in the plan"),
        )),
    };
    let before = detail
        .and_then(|d| d.get("before"))
        .and_then(|b| b.get("assume_role_policy"))
        .and_then(|p| match policy_tree(text, address, p) {
            Ok(tree) => Some(tree),
            Err(e) => {
                errors.push(e);
                None
            }
        });
    let mut labels = Vec::new();
    if let Some(actions) = detail
        .and_then(|d| d.get("actions"))
        .and_then(Node::as_array)
    {
        let actions: Vec<&str> = actions.iter().filter_map(Node::as_str).collect();
        labels.push(("change".to_string(), actions.join(",")));
    }
    Found {
        file: 0,
        address: address.to_string(),
        span,
        tree,
        placeholders,
        ignores: Vec::new(),
        labels,
        before,
    }
}

/// The policy in an `assume_role_policy` value: a JSON string (as the AWS provider stores
/// it), or an object if a plan ever holds one decoded.
fn policy_tree(text: &str, address: &str, value: &Node<'_>) -> Result<Node<'static>, ReadError> {
    match &value.kind {
        json::Kind::String(_) => embedded::parse(text, &value.span).map_err(|e| {
            error(
                e.span,
                "invalid-policy-json",
                format!(
                    "the trust policy of {address} is not valid JSON: {}",
                    e.kind
                ),
            )
        }),
        json::Kind::Object(_) => Ok(embedded::owned(value)),
        _ => Err(error(
            value.span.clone(),
            "invalid-policy-json",
            format!(
                "the trust policy of {address} is {}, not a JSON document",
                value.type_name()
            ),
        )),
    }
}

fn error(span: Span, code: &'static str, message: String) -> ReadError {
    ReadError {
        file: 0,
        span,
        code,
        message,
    }
}

fn failed(path: &Path, text: &str, e: ReadError) -> ReadOutput {
    ReadOutput {
        files: vec![SourceFile {
            path: path.to_path_buf(),
            text: Arc::from(text),
        }],
        found: Vec::new(),
        errors: vec![e],
        ..ReadOutput::default()
    }
}
