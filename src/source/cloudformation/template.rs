//! What the evaluator needs to know about a template besides the value at hand: its
//! parameters, mappings and resources, by name, and the values a parent stack passes it.

use std::collections::HashMap;

use super::nested::Bindings;
use crate::json::{Kind, Node, Span};

pub struct Template<'a> {
    pub parameters: HashMap<&'a str, &'a Node<'static>>,
    pub mappings: Option<&'a Node<'static>>,
    pub resources: HashMap<&'a str, &'a Node<'static>>,
    /// The file's text, to find where a `${name}` is written inside an `Fn::Sub` string.
    pub text: &'a str,
    /// Parameter values a parent stack passes (empty for a template read on its own): they
    /// take the place of the parameters' `Default`s.
    pub bound: &'a Bindings,
}

impl<'a> Template<'a> {
    pub fn new(root: &'a Node<'static>, text: &'a str, bound: &'a Bindings) -> Self {
        Template {
            text,
            bound,
            parameters: members(root.get("Parameters")),
            mappings: root.get("Mappings"),
            resources: members(root.get("Resources")),
        }
    }

    /// Where `written` (a `${name}`) sits inside the string at `within`, if it is written
    /// there as is (it may not be: an escaped character before it in JSON, a folded YAML
    /// block); else `within` itself.
    pub fn locate(&self, written: &str, within: &Span) -> Span {
        self.text
            .get(within.clone())
            .and_then(|s| s.find(written))
            .map_or(within.clone(), |at| {
                within.start + at..within.start + at + written.len()
            })
    }

    /// A resource's `Type`, when it is written as a string.
    pub fn resource_type(&self, id: &str) -> Option<&'a str> {
        self.resources.get(id)?.get("Type")?.as_str()
    }
}

fn members<'a>(section: Option<&'a Node<'static>>) -> HashMap<&'a str, &'a Node<'static>> {
    let Some(Kind::Object(members)) = section.map(|s| &s.kind) else {
        return HashMap::new();
    };
    // The first of two equal names wins, as in the JSON reader's duplicate report.
    let mut out = HashMap::with_capacity(members.len());
    for m in members {
        out.entry(m.key.as_ref()).or_insert(&m.value);
    }
    out
}

/// The text of a scalar as CloudFormation passes it to a string property.
pub fn scalar_text(node: &Node<'_>) -> Option<String> {
    match &node.kind {
        Kind::String(s) | Kind::Number(s) => Some(s.to_string()),
        Kind::Bool(b) => Some(b.to_string()),
        Kind::Null | Kind::Array(_) | Kind::Object(_) => None,
    }
}

/// An intrinsic function call: an object with one member named `Ref` or `Fn::<name>`.
pub fn intrinsic<'n>(node: &'n Node<'static>) -> Option<(&'n str, &'n Node<'static>)> {
    let [member] = node.as_object()? else {
        return None;
    };
    let key = member.key.as_ref();
    (key == "Ref" || key.starts_with("Fn::")).then_some((key, &member.value))
}

/// An intrinsic written back in YAML short form, for a placeholder's name:
/// `!GetAtt Provider.Arn`, `!ImportValue shared-oidc-arn`, `!If [IsProd, a, b]`.
pub fn render(node: &Node<'static>) -> String {
    let mut out = String::new();
    render_into(node, &mut out, 0);
    if out.chars().count() > LONGEST {
        out = out.chars().take(LONGEST).collect::<String>() + "...";
    }
    out
}

const LONGEST: usize = 120;

fn render_into(node: &Node<'static>, out: &mut String, depth: usize) {
    if out.len() > LONGEST || depth > 8 {
        return;
    }
    if let Some((name, arg)) = intrinsic(node) {
        out.push('!');
        out.push_str(name.strip_prefix("Fn::").unwrap_or(name));
        out.push(' ');
        match (name, arg.as_array()) {
            ("Fn::GetAtt", Some([a, b])) if a.as_str().is_some() && b.as_str().is_some() => {
                render_into(a, out, depth + 1);
                out.push('.');
                render_into(b, out, depth + 1);
            }
            _ => render_into(arg, out, depth + 1),
        }
        return;
    }
    match &node.kind {
        Kind::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                render_into(item, out, depth + 1);
            }
            out.push(']');
        }
        Kind::Object(members) => {
            out.push('{');
            for (i, m) in members.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&m.key);
                out.push_str(": ");
                render_into(&m.value, out, depth + 1);
            }
            out.push('}');
        }
        Kind::String(s) if s.is_empty() => out.push_str("''"),
        _ => out.push_str(&scalar_text(node).unwrap_or_else(|| "null".to_string())),
    }
}
