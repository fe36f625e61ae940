//! Terraform's JSON syntax (`.tf.json`), read by writing it out as native HCL.
//!
//! Why translate rather than evaluate the JSON directly: Terraform defines the JSON syntax in
//! terms of the native one (a block is a nest of objects, one level per label; every JSON
//! string is a string template; `"${expr}"` alone is the expression itself), and the HCL reader
//! already evaluates native expressions, `dynamic` blocks, modules and
//! `aws_iam_policy_document`s. So a `.tf.json` file becomes native text plus a byte map back to
//! the JSON ([`Translated::map`]); the module reader parses and reads it like any `.tf` file,
//! and [`restore`] then maps every span it reported back through the map and puts the JSON
//! text back, so findings and errors point at the `.tf.json` line.
//!
//! Which JSON properties are nested blocks depends on the provider's schema. Only what the
//! reader uses is written out: `aws_iam_role` resources, `aws_iam_policy_document` data
//! sources (`statement`, and in it `principals`, `not_principals` and `condition`, are
//! blocks), `variable` defaults (literal values, as Terraform reads them), `locals`, and
//! `module` calls (`source` and `version` literal). `dynamic` blocks are written as `dynamic`
//! blocks. A role's `"//": "rolecall:ignore <id> -- <reason>"` comment property is the JSON
//! form of the native `# rolecall:ignore` comment above the block (see `ignores`). Other block
//! types and resources are left out, as the native reader ignores them.

mod restore;
mod strings;

use crate::json::{self, Kind, Node, Span};

use super::value::{Seg, Text};
pub use restore::restore;
use strings::{close_of, decode, quote_literal, sole_interpolation};

/// A `.tf.json` text written as native HCL.
pub struct Translated {
    pub hcl: String,
    /// Byte ranges of `hcl` to byte ranges of the JSON text (`Text::map_span`).
    pub map: Text,
}

/// The JSON text of a translated file and its map, kept until [`restore`].
pub struct JsonSource {
    pub text: std::sync::Arc<str>,
    pub map: Text,
}

/// A Terraform file in JSON syntax: its first character (after a byte-order mark and space)
/// is `{`, which no native-syntax file can start with.
pub fn is_json(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
}

/// Is this a Terraform JSON configuration that declares a role or a policy document (for a
/// file not named `.tf.json`, read by content)?
pub fn sniff(text: &str) -> bool {
    is_json(text)
        && (memchr::memmem::find(text.as_bytes(), b"\"aws_iam_role\"").is_some()
            || memchr::memmem::find(text.as_bytes(), b"\"aws_iam_policy_document\"").is_some())
        && (memchr::memmem::find(text.as_bytes(), b"\"resource\"").is_some()
            || memchr::memmem::find(text.as_bytes(), b"\"data\"").is_some())
}

/// Does the text name a Terraform block type as a member (`"resource":` and the like)? Not a
/// parse: a cheap test that tells a configuration from an IAM policy or a template.
pub fn is_configuration(text: &str) -> bool {
    const BLOCKS: &[&str] = &[
        "\"resource\"",
        "\"data\"",
        "\"variable\"",
        "\"module\"",
        "\"locals\"",
        "\"output\"",
        "\"provider\"",
        "\"terraform\"",
    ];
    is_json(text)
        && BLOCKS.iter().any(|b| {
            memchr::memmem::find_iter(text.as_bytes(), b.as_bytes()).any(|i| {
                text.get(i + b.len()..)
                    .is_some_and(|rest| rest.trim_start().starts_with(':'))
            })
        })
}

/// Why a JSON text is not a Terraform configuration: where, code, message.
pub type Refusal = (Span, &'static str, String);

/// Translate a `.tf.json` text. A JSON syntax error, or a root that is not an object, is
/// refused at its place.
pub fn translate(text: &str) -> Result<Translated, Refusal> {
    let root = json::parse(text).map_err(|e| {
        let code = match e.kind {
            json::JsonErrorKind::TooDeep { .. } => "too-deep",
            json::JsonErrorKind::TooLarge { .. } => "too-large",
            _ => "invalid-json",
        };
        (e.span.clone(), code, e.to_string())
    })?;
    let Some(members) = root.as_object() else {
        return Err((
            root.span.clone(),
            "invalid-terraform-json",
            "a Terraform JSON file must be one JSON object".to_string(),
        ));
    };
    let mut w = Writer {
        src: text,
        out: String::with_capacity(text.len() + text.len() / 4),
        segs: Vec::new(),
    };
    w.syn("", 0..0);
    for m in members {
        let (block, labels) = match m.key.as_ref() {
            "resource" => ("resource", 2),
            "data" => ("data", 2),
            "variable" => ("variable", 1),
            "module" => ("module", 1),
            "locals" => ("locals", 0),
            _ => continue,
        };
        w.labeled(block, &m.value, labels, &mut Vec::new(), &m.key_span)?;
    }
    Ok(Translated {
        hcl: w.out,
        map: Text {
            s: String::new(),
            segs: w.segs,
            holes: Vec::new(),
        },
    })
}

/// What a block's body holds, as far as the reader needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Schema {
    Role,
    PolicyDocument,
    Statement,
    /// Only arguments (`principals`, `condition`, a `dynamic` block's unknown content).
    Arguments,
    Variable,
    Module,
    Locals,
}

impl Schema {
    /// The schema of a nested block `name`, when `name` is a block here.
    fn nested(self, name: &str) -> Option<Schema> {
        match (self, name) {
            (Schema::PolicyDocument, "statement") => Some(Schema::Statement),
            (Schema::Statement, "principals" | "not_principals" | "condition") => {
                Some(Schema::Arguments)
            }
            _ => None,
        }
    }

    /// Properties left out: meta-arguments and blocks the reader never reads.
    fn skips(self, name: &str) -> bool {
        match self {
            Schema::Role | Schema::PolicyDocument => matches!(
                name,
                "lifecycle"
                    | "provisioner"
                    | "connection"
                    | "inline_policy"
                    | "timeouts"
                    | "depends_on"
                    | "provider"
            ),
            Schema::Variable => name != "default",
            Schema::Module => matches!(name, "providers" | "depends_on"),
            Schema::Statement | Schema::Arguments | Schema::Locals => false,
        }
    }

    /// Are this property's strings taken literally (not templates)?
    fn literal(self, name: &str) -> bool {
        matches!(
            (self, name),
            (Schema::Variable, "default") | (Schema::Module, "source" | "version")
        )
    }

    fn allows_dynamic(self) -> bool {
        matches!(
            self,
            Schema::Role | Schema::PolicyDocument | Schema::Statement
        )
    }
}

struct Writer<'t> {
    src: &'t str,
    out: String,
    segs: Vec<Seg>,
}

impl Writer<'_> {
    /// Text that is not in the JSON, standing for `at`.
    fn syn(&mut self, s: &str, at: Span) {
        let base = self.out.len();
        self.out.push_str(s);
        if self.segs.is_empty() || !s.is_empty() {
            self.segs.push(Seg {
                at: base,
                src: at,
                exact: false,
            });
        }
    }

    /// Text for the source bytes `at`: exact when it is those bytes.
    fn put(&mut self, s: &str, at: Span) {
        if self.src.get(at.clone()) != Some(s) {
            return self.syn(s, at);
        }
        let base = self.out.len();
        self.out.push_str(s);
        match self.segs.last_mut() {
            Some(g) if g.exact && g.at + g.src.len() == base && g.src.end == at.start => {
                g.src.end = at.end;
            }
            _ => self.segs.push(Seg {
                at: base,
                src: at,
                exact: true,
            }),
        }
    }

    /// A block type's value: one object level per label left, then the body (an object, or an
    /// array of bodies).
    fn labeled(
        &mut self,
        block: &str,
        node: &Node<'_>,
        left: usize,
        labels: &mut Vec<(String, Span)>,
        key: &Span,
    ) -> Result<(), Refusal> {
        if let Kind::Array(items) = &node.kind {
            for item in items {
                self.labeled(block, item, left, labels, key)?;
            }
            return Ok(());
        }
        let Some(members) = node.as_object() else {
            return Err((
                node.span.clone(),
                "invalid-terraform-json",
                format!("a `{block}` block must be a JSON object"),
            ));
        };
        if left > 0 {
            for m in members.iter().filter(|m| m.key != "//") {
                labels.push((m.key.to_string(), m.key_span.clone()));
                let r = self.labeled(block, &m.value, left - 1, labels, key);
                labels.pop();
                r?;
            }
            return Ok(());
        }
        let first = labels.first().map(|(l, _)| l.as_str());
        let schema = match (block, first) {
            ("resource", Some("aws_iam_role")) => Schema::Role,
            ("data", Some("aws_iam_policy_document")) => Schema::PolicyDocument,
            ("variable", _) => Schema::Variable,
            ("module", _) => Schema::Module,
            ("locals", _) => Schema::Locals,
            _ => return Ok(()),
        };
        let at = labels
            .last()
            .map_or_else(|| key.clone(), |(_, s)| s.clone());
        if schema == Schema::Role {
            self.ignore_comments(node);
        }
        self.syn(block, at.clone());
        for (l, s) in labels.iter() {
            self.syn(" ", s.clone());
            self.syn(&quote_literal(l), s.clone());
        }
        self.block_body(node, schema)
    }

    /// A role's `"//"` comments that are suppressions (`"//": "rolecall:ignore <id> --
    /// <reason>"`, or a list of them), written as the native comment lines above the block
    /// that the HCL reader reads as inline ignores, each standing for its JSON string.
    fn ignore_comments(&mut self, body: &Node<'_>) {
        for m in body.as_object().unwrap_or_default() {
            if m.key != "//" {
                continue;
            }
            let strings = match &m.value.kind {
                Kind::Array(items) => items.iter().collect(),
                _ => vec![&m.value],
            };
            for c in strings {
                let Some(text) = c.as_str().map(str::trim) else {
                    continue;
                };
                if text.starts_with("rolecall:ignore") {
                    let line: String = text
                        .chars()
                        .map(|c| if c.is_control() { ' ' } else { c })
                        .collect();
                    self.syn(&format!("# {line}\n"), c.span.clone());
                }
            }
        }
    }

    /// ` {`, the body's properties, `}` (the braces stand for the JSON object's).
    fn block_body(&mut self, node: &Node<'_>, schema: Schema) -> Result<(), Refusal> {
        let (open, close) = braces(&node.span);
        self.syn(" {\n", open);
        for m in node.as_object().unwrap_or_default() {
            let name = m.key.as_ref();
            if name == "//" || schema.skips(name) {
                continue;
            }
            if name == "dynamic" && schema.allows_dynamic() {
                self.dynamic(&m.value, schema)?;
            } else if let Some(inner) = schema.nested(name) {
                for body in bodies(&m.value) {
                    self.put(name, inner_span(&m.key_span));
                    self.block_body(body, inner)?;
                }
            } else if is_identifier(name) {
                self.put(name, inner_span(&m.key_span));
                self.syn(" = ", m.key_span.clone());
                self.expr(&m.value, schema.literal(name));
                self.syn("\n", m.value.span.clone());
            }
        }
        self.syn("}\n", close);
        Ok(())
    }

    /// `"dynamic": {"statement": {"for_each": ..., "iterator": ..., "content": {...}}}`.
    fn dynamic(&mut self, node: &Node<'_>, schema: Schema) -> Result<(), Refusal> {
        for m in node.as_object().unwrap_or_default() {
            let name = m.key.as_ref();
            if name == "//" {
                continue;
            }
            let content_schema = schema.nested(name).unwrap_or(Schema::Arguments);
            for body in bodies(&m.value) {
                self.syn("dynamic ", m.key_span.clone());
                self.syn(&quote_literal(name), m.key_span.clone());
                let (open, close) = braces(&body.span);
                self.syn(" {\n", open);
                for p in body.as_object().unwrap_or_default() {
                    match p.key.as_ref() {
                        "for_each" | "labels" => {
                            self.put(&p.key, inner_span(&p.key_span));
                            self.syn(" = ", p.key_span.clone());
                            self.expr(&p.value, false);
                            self.syn("\n", p.value.span.clone());
                        }
                        // The iterator is a name, written as a literal string.
                        "iterator" => {
                            if let Some(it) = p.value.as_str().filter(|s| is_identifier(s)) {
                                self.syn("iterator = ", p.key_span.clone());
                                self.put(it, inner_span(&p.value.span));
                                self.syn("\n", p.value.span.clone());
                            }
                        }
                        "content" => {
                            for c in bodies(&p.value) {
                                self.put("content", inner_span(&p.key_span));
                                self.block_body(c, content_schema)?;
                            }
                        }
                        _ => {}
                    }
                }
                self.syn("}\n", close);
            }
        }
        Ok(())
    }

    /// A JSON value as an expression: a string is a template (`literal`: a plain string).
    fn expr(&mut self, node: &Node<'_>, literal: bool) {
        match &node.kind {
            Kind::Null | Kind::Bool(_) | Kind::Number(_) => {
                let raw = self.src.get(node.span.clone()).unwrap_or("null");
                self.put(raw, node.span.clone());
            }
            Kind::String(_) => self.string(&node.span, literal),
            Kind::Array(items) => {
                let (open, close) = braces(&node.span);
                self.syn("[", open);
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.syn(",\n", item.span.start..item.span.start);
                    }
                    self.expr(item, literal);
                }
                self.syn("]", close);
            }
            Kind::Object(members) => {
                let (open, close) = braces(&node.span);
                self.syn("{\n", open);
                for m in members {
                    self.string(&m.key_span, literal);
                    self.syn(" = ", m.key_span.clone());
                    self.expr(&m.value, literal);
                    self.syn("\n", m.value.span.clone());
                }
                self.syn("}", close);
            }
        }
    }

    /// A JSON string (`span` with its quotes): a template, or with `literal` a plain string.
    /// A template that is one interpolation and nothing else is that expression, unconverted,
    /// as Terraform reads it.
    fn string(&mut self, span: &Span, literal: bool) {
        let cs = decode(self.src, span);
        let (open, close) = braces(span);
        if !literal {
            if let Some(inner) = sole_interpolation(&cs) {
                let part = cs.get(inner).unwrap_or_default();
                // A newline ends an argument unless it is inside brackets.
                let multiline = part.iter().any(|(c, _)| *c == '\n');
                if multiline {
                    self.syn("(", open.clone());
                }
                for (c, s) in part {
                    self.put(c.encode_utf8(&mut [0; 4]), s.clone());
                }
                if multiline {
                    self.syn(")", close);
                }
                return;
            }
        }
        self.syn("\"", open);
        let at = |i: usize| cs.get(i).map(|(c, _)| *c);
        let mut i = 0;
        while let Some((c, s)) = cs.get(i).cloned() {
            let opens = (c == '$' || c == '%') && at(i + 1) == Some('{');
            if literal && opens {
                // `${` written literally: the template escape `$${`.
                self.syn(if c == '$' { "$$" } else { "%%" }, s);
                i += 1;
                continue;
            }
            if !literal && (c == '$' || c == '%') && at(i + 1) == Some(c) && at(i + 2) == Some('{')
            {
                // `$${` is an escape in both syntaxes.
                for (c, s) in cs.get(i..i + 3).unwrap_or_default() {
                    self.put(c.encode_utf8(&mut [0; 4]), s.clone());
                }
                i += 3;
                continue;
            }
            if !literal && opens {
                let end = close_of(&cs, i + 2);
                for (c, s) in cs.get(i..end).unwrap_or_default() {
                    self.put(c.encode_utf8(&mut [0; 4]), s.clone());
                }
                i = end;
                continue;
            }
            match c {
                '"' => self.put("\\\"", s),
                '\\' => self.put("\\\\", s),
                '\n' => self.put("\\n", s),
                '\r' => self.put("\\r", s),
                '\t' => self.put("\\t", s),
                c if c.is_control() => self.syn(&format!("\\u{:04x}", u32::from(c)), s),
                c => self.put(c.encode_utf8(&mut [0; 4]), s),
            }
            i += 1;
        }
        self.syn("\"", close);
    }
}

/// A block's bodies: one object, or an array of them.
fn bodies<'a, 't>(node: &'a Node<'t>) -> Vec<&'a Node<'t>> {
    match &node.kind {
        Kind::Array(items) => items.iter().filter(|i| i.as_object().is_some()).collect(),
        Kind::Object(_) => vec![node],
        _ => Vec::new(),
    }
}

/// The first and last byte of a span (an object's braces, a string's quotes).
fn braces(span: &Span) -> (Span, Span) {
    let open = span.start..(span.start + 1).min(span.end);
    let close = span.end.saturating_sub(1).max(span.start)..span.end;
    (open, close)
}

/// A quoted key's span without its quotes.
fn inner_span(span: &Span) -> Span {
    if span.len() >= 2 {
        span.start + 1..span.end - 1
    } else {
        span.clone()
    }
}

fn is_identifier(s: &str) -> bool {
    let mut cs = s.chars();
    cs.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && cs.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests;
