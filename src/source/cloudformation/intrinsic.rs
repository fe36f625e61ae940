//! Evaluating intrinsic functions as far as a template alone decides them.
//!
//! Evaluated: `Ref` and `${...}` to a pseudo parameter, to a parameter a parent stack passes
//! (a nested stack, see `nested`) or to a parameter with a `Default`,
//! `Fn::Sub` (both forms, `${!Literal}` escapes), `Fn::Join`, `Fn::Select`, `Fn::Split`,
//! `Fn::FindInMap` with literal keys, and `Ref`/`Fn::GetAtt .Arn` of an OIDC provider declared
//! in the same template (its ARN follows from its `Url`, which is what tells rolecall the
//! issuer). Everything else is a [`Placeholder`]: one opaque literal named after the
//! expression, never a wildcard.
//!
//! Pseudo parameters: `AWS::Partition` is `aws` and `AWS::URLSuffix` is `amazonaws.com` (the
//! commercial partition; a template deployed to China or GovCloud gets other values, which no
//! trust-policy rule depends on). `AWS::AccountId` is the placeholder `000000000000`: twelve
//! digits, so an ARN built from it stays a well-formed ARN for the principal rules, and no real
//! account has that ID. `AWS::Region`, `AWS::StackName`, `AWS::StackId` and
//! `AWS::NotificationARNs` are named placeholders. `AWS::NoValue` removes the member or item.
//! `Fn::GetAtt Role.Arn` of a role in the template is a placeholder shaped like a role ARN.

use std::borrow::Cow;

use super::template::{intrinsic, render, scalar_text, Template};
use crate::json::{Kind, Member, Node, Span};
use crate::source::Placeholder;

/// The account ID placeholder: twelve digits, so ARNs stay well-formed.
pub const ACCOUNT_ID: &str = "000000000000";

/// A problem found while evaluating: the value is still built (with a placeholder).
pub struct EvalError {
    pub code: &'static str,
    pub message: String,
    pub span: Span,
}

pub struct Resolver<'a> {
    template: &'a Template<'a>,
    pub placeholders: Vec<Placeholder>,
    pub errors: Vec<EvalError>,
    /// OIDC providers being resolved, so a provider whose `Url` refers to itself stops.
    visiting: Vec<String>,
}

impl<'a> Resolver<'a> {
    pub fn new(template: &'a Template<'a>) -> Self {
        Resolver {
            template,
            placeholders: Vec::new(),
            errors: Vec::new(),
            visiting: Vec::new(),
        }
    }

    /// The value with every intrinsic evaluated or replaced; `None` for `AWS::NoValue`.
    pub fn resolve(&mut self, node: &Node<'static>) -> Option<Node<'static>> {
        if let Some((name, arg)) = intrinsic(node) {
            return self.call(name, arg, node);
        }
        let kind = match &node.kind {
            Kind::Array(items) => {
                Kind::Array(items.iter().filter_map(|i| self.resolve(i)).collect())
            }
            Kind::Object(members) => Kind::Object(
                members
                    .iter()
                    .filter_map(|m| {
                        Some(Member {
                            key: m.key.clone(),
                            key_span: m.key_span.clone(),
                            value: self.resolve(&m.value)?,
                        })
                    })
                    .collect(),
            ),
            k => k.clone(),
        };
        Some(Node {
            span: node.span.clone(),
            kind,
        })
    }

    fn call(
        &mut self,
        name: &str,
        arg: &Node<'static>,
        call: &Node<'static>,
    ) -> Option<Node<'static>> {
        let span = call.span.clone();
        let value = match name {
            "Ref" => match arg.as_str() {
                Some(target) => return self.reference(target, &render(call), span),
                None => self.invalid(call, "`Ref` takes the name of a parameter or resource"),
            },
            "Fn::Sub" => self.sub(arg, call),
            "Fn::Join" => self.join(arg, call),
            "Fn::Select" => self.select(arg, call),
            "Fn::Split" => self.split(arg, call),
            "Fn::FindInMap" => self.find_in_map(arg, call),
            "Fn::GetAtt" => match getatt_parts(arg) {
                Some((resource, attribute)) => {
                    self.attribute(&resource, &attribute, &render(call), span)
                }
                None => self.invalid(call, "`Fn::GetAtt` takes [resource, attribute]"),
            },
            "Fn::If" | "Fn::ImportValue" | "Fn::GetAZs" | "Fn::Base64" | "Fn::Cidr"
            | "Fn::Transform" | "Fn::Length" | "Fn::ToJsonString" | "Fn::And" | "Fn::Or"
            | "Fn::Not" | "Fn::Equals" => self.placeholder(render(call), span),
            _ => {
                self.errors.push(EvalError {
                    code: "unknown-function",
                    message: format!("`{name}` is not a CloudFormation intrinsic function"),
                    span: span.clone(),
                });
                self.placeholder(render(call), span)
            }
        };
        Some(value)
    }

    /// A well-formed call whose arguments are not what the function takes: CloudFormation
    /// refuses the template, so this is an error too.
    fn invalid(&mut self, call: &Node<'static>, why: &str) -> Node<'static> {
        self.errors.push(EvalError {
            code: "invalid-intrinsic",
            message: why.to_string(),
            span: call.span.clone(),
        });
        self.placeholder(render(call), call.span.clone())
    }

    fn placeholder(&mut self, what: String, span: Span) -> Node<'static> {
        let p = Placeholder::new(what, span.clone());
        let node = string(p.text.clone(), span);
        self.placeholders.push(p);
        node
    }

    /// `Ref name`, or `${name}` inside `Fn::Sub`.
    fn reference(&mut self, target: &str, what: &str, span: Span) -> Option<Node<'static>> {
        let value = match target {
            "AWS::NoValue" => return None,
            "AWS::Partition" => string("aws".to_string(), span),
            "AWS::URLSuffix" => string("amazonaws.com".to_string(), span),
            "AWS::AccountId" => {
                self.placeholders.push(Placeholder {
                    text: ACCOUNT_ID.to_string(),
                    what: what.to_string(),
                    span: span.clone(),
                });
                string(ACCOUNT_ID.to_string(), span)
            }
            "AWS::Region" | "AWS::StackName" | "AWS::StackId" | "AWS::NotificationARNs" => {
                self.placeholder(what.to_string(), span)
            }
            _ if self.template.parameters.contains_key(target) => {
                self.parameter(target, what, span)
            }
            _ if self.template.resources.contains_key(target) => {
                match self.provider_arn(target, span.clone()) {
                    Some(arn) => arn,
                    None => self.placeholder(what.to_string(), span),
                }
            }
            _ => {
                self.errors.push(EvalError {
                    code: "unknown-reference",
                    message: format!(
                        "`{target}` is neither a parameter, a resource nor a pseudo parameter \
                         of this template"
                    ),
                    span: span.clone(),
                });
                self.placeholder(what.to_string(), span)
            }
        };
        Some(value)
    }

    /// The value a parent stack passes the parameter, else its `Default`. A list type's value
    /// is its comma-separated items. An SSM parameter type's value is the name of the SSM
    /// parameter, not its value: placeholder.
    fn parameter(&mut self, name: &str, what: &str, span: Span) -> Node<'static> {
        let declared = self.template.parameters.get(name).copied();
        let kind = declared
            .and_then(|p| p.get("Type"))
            .and_then(Node::as_str)
            .unwrap_or("String");
        let bound = self.template.bound.get(name);
        let value = match bound {
            Some(b) => Some(b.text.clone()),
            None => declared
                .and_then(|p| p.get("Default"))
                .and_then(scalar_text),
        };
        match value {
            Some(d) if !kind.starts_with("AWS::SSM::") => {
                // What the parent could not decide stands here, at the child's reference (the
                // child's spans are the ones its findings point at).
                let mut opaque = false;
                for p in bound.iter().flat_map(|b| &b.placeholders) {
                    opaque |= p.text == d;
                    self.placeholders.push(Placeholder {
                        span: span.clone(),
                        ..p.clone()
                    });
                }
                // A placeholder is one literal: its name may hold commas, not items.
                let list = kind == "CommaDelimitedList" || kind.starts_with("List<");
                if list && !opaque {
                    let items = d.split(',').map(|s| string(s.to_string(), span.clone()));
                    let items = items.collect();
                    Node {
                        span,
                        kind: Kind::Array(items),
                    }
                } else {
                    string(d, span)
                }
            }
            _ => self.placeholder(what.to_string(), span),
        }
    }

    fn attribute(
        &mut self,
        resource: &str,
        attribute: &str,
        what: &str,
        span: Span,
    ) -> Node<'static> {
        if !self.template.resources.contains_key(resource) {
            self.errors.push(EvalError {
                code: "unknown-reference",
                message: format!("`{resource}` is not a resource of this template"),
                span: span.clone(),
            });
        } else if attribute == "Arn" {
            if let Some(arn) = self.provider_arn(resource, span.clone()) {
                return arn;
            }
            if self.template.resource_type(resource) == Some("AWS::IAM::Role") {
                return self.role_arn(resource, what, span);
            }
        }
        self.placeholder(what.to_string(), span)
    }

    /// A role's ARN is not known before deploy, but its form is: the placeholder is an ARN
    /// (account `000000000000`, the role's literal `RoleName` or else its logical ID), so an
    /// `AWS` principal built from it is as well-formed as the deployed one will be.
    fn role_arn(&mut self, resource: &str, what: &str, span: Span) -> Node<'static> {
        let name = self
            .template
            .resources
            .get(resource)
            .and_then(|r| r.get("Properties")?.get("RoleName")?.as_str())
            .unwrap_or(resource);
        let text = format!("arn:aws:iam::{ACCOUNT_ID}:role/{name}");
        self.placeholders.push(Placeholder {
            text: text.clone(),
            what: what.to_string(),
            span: span.clone(),
        });
        string(text, span)
    }

    /// The ARN of an OIDC provider declared in this template (`AWS::IAM::OIDCProvider`, or
    /// CDK's `Custom::AWSCDKOpenIdConnectProvider`), when its `Url` is known.
    fn provider_arn(&mut self, id: &str, span: Span) -> Option<Node<'static>> {
        let kind = self.template.resource_type(id)?;
        if kind != "AWS::IAM::OIDCProvider" && kind != "Custom::AWSCDKOpenIdConnectProvider" {
            return None;
        }
        if self.visiting.iter().any(|v| v == id) {
            return None;
        }
        let url = self
            .template
            .resources
            .get(id)?
            .get("Properties")?
            .get("Url")?;
        self.visiting.push(id.to_string());
        let before = self.placeholders.len();
        let url = self.resolve(url);
        self.visiting.pop();
        let url = url.as_ref().and_then(scalar_text);
        if self.placeholders.len() > before {
            // The URL is not known either: the ARN stays one placeholder.
            self.placeholders.truncate(before);
            return None;
        }
        let host = url?;
        let host = host.strip_prefix("https://").unwrap_or(&host);
        self.placeholders.push(Placeholder {
            text: ACCOUNT_ID.to_string(),
            what: "AWS::AccountId".to_string(),
            span: span.clone(),
        });
        Some(string(
            format!("arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{host}"),
            span,
        ))
    }

    /// `Fn::Sub: "text"` or `Fn::Sub: ["text", {Name: value}]`.
    fn sub(&mut self, arg: &Node<'static>, call: &Node<'static>) -> Node<'static> {
        let span = call.span.clone();
        let (template, vars, written_at) = match &arg.kind {
            Kind::String(s) => (s.as_ref(), None, arg.span.clone()),
            Kind::Array(items) => match items.as_slice() {
                [t, vars] if t.as_str().is_some() && vars.as_object().is_some() => (
                    t.as_str().unwrap_or_default(),
                    vars.as_object(),
                    t.span.clone(),
                ),
                _ => {
                    return self.invalid(call, "`Fn::Sub` takes a string or [string, {variables}]")
                }
            },
            _ => return self.invalid(call, "`Fn::Sub` takes a string or [string, {variables}]"),
        };
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(at) = rest.find("${") {
            out.push_str(rest.get(..at).unwrap_or_default());
            let after = rest.get(at + 2..).unwrap_or_default();
            if let Some(literal) = after.strip_prefix('!') {
                // `${!Name}` is the literal text `${Name}`.
                out.push_str("${");
                rest = literal;
                continue;
            }
            let Some(close) = after.find('}') else {
                // No closing brace: CloudFormation keeps the text as written.
                out.push_str("${");
                rest = after;
                continue;
            };
            let name = after.get(..close).unwrap_or_default().trim();
            let written = format!("${{{name}}}");
            let here = self.template.locate(&written, &written_at);
            let value = match vars.and_then(|v| v.iter().find(|m| m.key == name)) {
                Some(var) => self.resolve(&var.value),
                None => self.variable(name, &written, here.clone()),
            };
            let text = match value.as_ref().and_then(scalar_text) {
                Some(t) => t,
                None if value.is_none() => String::new(),
                None => self
                    .placeholder(written, here)
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            };
            out.push_str(&text);
            rest = after.get(close + 1..).unwrap_or_default();
        }
        out.push_str(rest);
        string(out, span)
    }

    /// `${Name}` (a `Ref`) or `${Resource.Attribute}` (a `GetAtt`) inside `Fn::Sub`.
    fn variable(&mut self, name: &str, written: &str, span: Span) -> Option<Node<'static>> {
        if !name.starts_with("AWS::") {
            if let Some((resource, attribute)) = name.split_once('.') {
                return Some(self.attribute(resource, attribute, written, span));
            }
        }
        self.reference(name, written, span)
    }

    /// `Fn::Join: [delimiter, [values]]`.
    fn join(&mut self, arg: &Node<'static>, call: &Node<'static>) -> Node<'static> {
        let Some([delimiter, list]) = arg.as_array() else {
            return self.invalid(call, "`Fn::Join` takes [delimiter, [values]]");
        };
        let Some(delimiter) = scalar_text(delimiter) else {
            return self.invalid(call, "the delimiter of `Fn::Join` is a string");
        };
        let list = self.resolve(list);
        let items: Option<Vec<String>> = match list.as_ref().map(|l| &l.kind) {
            Some(Kind::Array(items)) => items.iter().map(scalar_text).collect(),
            _ => None,
        };
        match items {
            Some(items) => string(items.join(&delimiter), call.span.clone()),
            // The list itself is unknown (a list parameter without default, `!GetAZs`).
            None => self.placeholder(render(call), call.span.clone()),
        }
    }

    /// `Fn::Select: [index, [values]]`.
    fn select(&mut self, arg: &Node<'static>, call: &Node<'static>) -> Node<'static> {
        let Some([index, list]) = arg.as_array() else {
            return self.invalid(call, "`Fn::Select` takes [index, [values]]");
        };
        let before = self.placeholders.len();
        let index = self.resolve(index).as_ref().and_then(scalar_text);
        let list = self.resolve(list);
        if self.placeholders.len() == before {
            let chosen = index
                .and_then(|i| i.parse::<usize>().ok())
                .and_then(|i| list.as_ref()?.as_array()?.get(i).cloned());
            if let Some(chosen) = chosen {
                return chosen;
            }
        }
        self.placeholders.truncate(before);
        self.placeholder(render(call), call.span.clone())
    }

    /// `Fn::Split: [delimiter, text]`.
    fn split(&mut self, arg: &Node<'static>, call: &Node<'static>) -> Node<'static> {
        let Some([delimiter, source]) = arg.as_array() else {
            return self.invalid(call, "`Fn::Split` takes [delimiter, text]");
        };
        let before = self.placeholders.len();
        let source = self.resolve(source).as_ref().and_then(scalar_text);
        match (scalar_text(delimiter), source) {
            (Some(d), Some(s)) if self.placeholders.len() == before && !d.is_empty() => Node {
                span: call.span.clone(),
                kind: Kind::Array(
                    s.split(d.as_str())
                        .map(|part| string(part.to_string(), call.span.clone()))
                        .collect(),
                ),
            },
            _ => {
                self.placeholders.truncate(before);
                self.placeholder(render(call), call.span.clone())
            }
        }
    }

    /// `Fn::FindInMap: [map, top-level key, second-level key]`, when all three are known.
    fn find_in_map(&mut self, arg: &Node<'static>, call: &Node<'static>) -> Node<'static> {
        let Some([map, top, second]) = arg.as_array() else {
            return self.invalid(call, "`Fn::FindInMap` takes [map, key, key]");
        };
        let before = self.placeholders.len();
        let keys: Vec<Option<String>> = [map, top, second]
            .into_iter()
            .map(|k| self.resolve(k).as_ref().and_then(scalar_text))
            .collect();
        if self.placeholders.len() == before {
            if let [Some(map), Some(top), Some(second)] = keys.as_slice() {
                let found = self
                    .template
                    .mappings
                    .and_then(|m| m.get(map)?.get(top)?.get(second));
                if let Some(found) = found {
                    if let Some(value) = self.resolve(found) {
                        return Node {
                            span: call.span.clone(),
                            ..value
                        };
                    }
                }
            }
        }
        self.placeholders.truncate(before);
        self.placeholder(render(call), call.span.clone())
    }
}

fn string(s: String, span: Span) -> Node<'static> {
    Node {
        span,
        kind: Kind::String(Cow::Owned(s)),
    }
}

/// `[resource, attribute]`, or the `resource.attribute` string form.
fn getatt_parts(arg: &Node<'static>) -> Option<(String, String)> {
    match &arg.kind {
        Kind::Array(items) => match items.as_slice() {
            [r, a] => Some((r.as_str()?.to_string(), a.as_str()?.to_string())),
            _ => None,
        },
        Kind::String(s) => s
            .split_once('.')
            .map(|(r, a)| (r.to_string(), a.to_string())),
        _ => None,
    }
}
