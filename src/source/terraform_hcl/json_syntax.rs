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
//! blocks. Other block types and resources are left out, as the native reader ignores them.

use crate::json::{self, Kind, Node, Span};
use crate::source::{Found, ReadError, ReadOutput};

use super::value::{Seg, Text};

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
        self.syn(block, at.clone());
        for (l, s) in labels.iter() {
            self.syn(" ", s.clone());
            self.syn(&quote_literal(l), s.clone());
        }
        self.block_body(node, schema)
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

/// A native quoted string holding `s` literally.
fn quote_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut cs = s.chars().peekable();
    while let Some(c) = cs.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if cs.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON string's characters (`span` with its quotes), each with the bytes it is written as.
fn decode(src: &str, span: &Span) -> Vec<(char, Span)> {
    let raw = src.get(span.clone()).unwrap_or("");
    let (inner, base) = match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(r) => (r, span.start + 1),
        None => (raw, span.start),
    };
    let hex = |at: usize| {
        inner
            .get(at..at + 4)
            .and_then(|h| u32::from_str_radix(h, 16).ok())
    };
    let mut out = Vec::with_capacity(inner.len());
    let mut j = 0;
    while let Some(c) = inner.get(j..).and_then(|r| r.chars().next()) {
        if c != '\\' {
            out.push((c, base + j..base + j + c.len_utf8()));
            j += c.len_utf8();
            continue;
        }
        let (decoded, used) = match inner.as_bytes().get(j + 1) {
            Some(b'u') => {
                let hi = hex(j + 2).unwrap_or(0xFFFD);
                let lo = (inner.get(j + 6..j + 8) == Some("\\u"))
                    .then(|| hex(j + 8))
                    .flatten()
                    .filter(|lo| (0xDC00..0xE000).contains(lo));
                match lo {
                    Some(lo) if (0xD800..0xDC00).contains(&hi) => {
                        (0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00), 12)
                    }
                    _ => (hi, 6),
                }
            }
            Some(b'b') => (0x08, 2),
            Some(b'f') => (0x0C, 2),
            Some(b'n') => (0x0A, 2),
            Some(b'r') => (0x0D, 2),
            Some(b't') => (0x09, 2),
            Some(&b) => (u32::from(b), 2),
            None => (u32::from('\\'), 1),
        };
        let used = used.min(inner.len() - j);
        out.push((
            char::from_u32(decoded).unwrap_or('\u{FFFD}'),
            base + j..base + j + used,
        ));
        j += used;
    }
    out
}

/// The characters inside `${ ... }` when the whole template is that one interpolation.
fn sole_interpolation(cs: &[(char, Span)]) -> Option<std::ops::Range<usize>> {
    let starts = matches!(cs, [('$', _), ('{', _), ..]);
    if !starts || close_of(cs, 2) != cs.len() {
        return None;
    }
    let mut inner = 2..cs.len().saturating_sub(1);
    if cs.get(inner.start).map(|c| c.0) == Some('~') {
        inner.start += 1;
    }
    if inner.end > inner.start && cs.get(inner.end - 1).map(|c| c.0) == Some('~') {
        inner.end -= 1;
    }
    Some(inner)
}

/// The index after the `}` that closes an interpolation or directive whose body starts at
/// `start`, skipping brackets and the quoted strings (and their interpolations) inside it;
/// the end when it is not closed.
fn close_of(cs: &[(char, Span)], start: usize) -> usize {
    #[derive(PartialEq)]
    enum Ctx {
        Code,
        Str,
    }
    let at = |i: usize| cs.get(i).map(|(c, _)| *c);
    let mut stack = vec![Ctx::Code];
    let mut i = start;
    while let Some(c) = at(i) {
        if stack.last() == Some(&Ctx::Str) {
            match c {
                '\\' => i += 1,
                '"' => {
                    stack.pop();
                }
                '$' | '%' if at(i + 1) == Some(c) && at(i + 2) == Some('{') => i += 2,
                '$' | '%' if at(i + 1) == Some('{') => {
                    stack.push(Ctx::Code);
                    i += 1;
                }
                _ => {}
            }
        } else {
            match c {
                '"' => stack.push(Ctx::Str),
                '{' => stack.push(Ctx::Code),
                '}' => {
                    stack.pop();
                    if stack.is_empty() {
                        return i + 1;
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    cs.len()
}

/// Put the JSON text back in the files that were translated, and map every span the reader
/// reported in them from the native text to the JSON.
pub fn restore(out: &mut ReadOutput, sources: &[Option<JsonSource>]) {
    let map = |file: usize| sources.get(file).and_then(Option::as_ref).map(|s| &s.map);
    for (i, s) in sources.iter().enumerate() {
        if let (Some(s), Some(f)) = (s, out.files.get_mut(i)) {
            f.text = std::sync::Arc::clone(&s.text);
        }
    }
    let fix_error = |e: &mut ReadError| {
        if let Some(m) = map(e.file) {
            e.span = m.map_span(&e.span);
        }
    };
    for e in &mut out.errors {
        fix_error(e);
    }
    for found in &mut out.found {
        remap_found(found, map(found.file));
        if let Err(e) = &mut found.tree {
            fix_error(e);
        }
    }
}

fn remap_found(found: &mut Found, map: Option<&Text>) {
    let Some(m) = map else {
        return;
    };
    found.span = m.map_span(&found.span);
    if let Ok(tree) = &mut found.tree {
        remap_node(tree, m);
    }
    if let Some(before) = &mut found.before {
        remap_node(before, m);
    }
    for p in &mut found.placeholders {
        p.span = m.map_span(&p.span);
    }
    for i in &mut found.ignores {
        i.span = m.map_span(&i.span);
    }
}

fn remap_node(node: &mut Node<'static>, m: &Text) {
    node.span = m.map_span(&node.span);
    match &mut node.kind {
        Kind::Array(items) => items.iter_mut().for_each(|n| remap_node(n, m)),
        Kind::Object(members) => {
            for member in members {
                member.key_span = m.map_span(&member.key_span);
                remap_node(&mut member.value, m);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests;
