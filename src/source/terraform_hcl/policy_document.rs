//! `data "aws_iam_policy_document"` rendered to IAM JSON exactly as the AWS provider renders it.
//!
//! The rules, from hashicorp/terraform-provider-aws `internal/service/iam/
//! policy_document_data_source.go` and `policy_model.go`:
//! - `version` defaults to `2012-10-17`; `policy_id` becomes `Id`; each statement's `effect`
//!   defaults to `Allow`; an empty `sid` is left out.
//! - `actions`, `not_actions`, `resources`, `not_resources` and principal `identifiers` are
//!   sets: one element renders as a string, more as a list sorted in reverse order
//!   (`policyDecodeConfigStrings`).
//! - Principals group by `type` (two blocks of one type merge into one list); a lone
//!   `type = "*"` with `identifiers = ["*"]` renders as `"Principal": "*"`.
//! - Conditions group by `test`, then `variable`; `values` keep their order; a single value
//!   renders as a string.
//! - `&{` in resources, identifiers and condition values becomes `${` (an IAM policy variable
//!   Terraform would otherwise interpolate).
//! - Merging (`iamPolicyDoc.Merge`): `source_policy_documents` are merged in order (a Sid seen
//!   twice across them is an error), then this document's statements, then each of
//!   `override_policy_documents`. A merged statement with a Sid replaces the statement with the
//!   same Sid in place; one without a Sid is appended. A non-empty `Id` is adopted, and a
//!   greater `Version` wins. Duplicate Sids among this document's own statements are an error.
//!
//! Not reproduced: the provider re-serialises merged-in documents through its model, which
//! reorders their lists; rolecall keeps them as written (same meaning, and their own lines).
//! Statements and principals with the same type keep source order where the provider's set
//! order is a hash order.

use std::collections::BTreeMap;

use hcl_edit::structure::{Block, Body, Structure};

use super::eval::{err, pairs, sort_key, span_of, Bound, Env, Memo, Scope, MAX_EXPANSION};
use super::modules::label;
use super::value::{parse_json_text, VKind, Val};
use crate::json::Span;
use crate::source::ReadError;

/// A policy document while merging.
#[derive(Default)]
struct Doc {
    version: Option<Val>,
    id: Option<Val>,
    statements: Vec<Val>,
}

fn sid(stmt: &Val) -> Option<String> {
    stmt.member("Sid")
        .and_then(|s| s.to_text())
        .map(|t| t.s)
        .filter(|s| !s.is_empty())
}

impl Doc {
    fn from_val(v: Val) -> Doc {
        let mut doc = Doc::default();
        if let VKind::Object(members) = v.kind {
            for (k, _, v) in members {
                match k.as_str() {
                    "Version" => doc.version = Some(v),
                    "Id" => doc.id = Some(v),
                    "Statement" => match v.kind {
                        VKind::List(items) => doc.statements = items,
                        _ => doc.statements = vec![v],
                    },
                    _ => {}
                }
            }
        }
        doc
    }

    fn merge(&mut self, new: Doc) {
        if new
            .id
            .as_ref()
            .and_then(Val::as_str)
            .is_some_and(|s| !s.is_empty())
        {
            self.id = new.id;
        }
        let ver = |d: &Option<Val>| {
            d.as_ref()
                .and_then(|v| v.to_text())
                .map(|t| t.s)
                .unwrap_or_default()
        };
        if ver(&new.version) > ver(&self.version) {
            self.version = new.version;
        }
        for stmt in new.statements {
            let existing = sid(&stmt).and_then(|s| {
                self.statements
                    .iter()
                    .position(|e| sid(e).as_deref() == Some(s.as_str()))
            });
            match existing.and_then(|i| self.statements.get_mut(i)) {
                Some(slot) => *slot = stmt,
                None => self.statements.push(stmt),
            }
        }
    }

    fn into_val(self, span: &Span, key_span: &Span) -> Val {
        let mut members = Vec::new();
        if let Some(v) = self.version {
            members.push(("Version".to_string(), v.span.clone(), v));
        }
        if let Some(v) = self.id {
            members.push(("Id".to_string(), v.span.clone(), v));
        }
        if !self.statements.is_empty() {
            let list = Val::new(span.clone(), VKind::List(self.statements));
            members.push(("Statement".to_string(), key_span.clone(), list));
        }
        Val::new(span.clone(), VKind::Object(members))
    }
}

impl Scope<'_> {
    /// The rendered document `data.aws_iam_policy_document.NAME` (instance `key` when the
    /// block has `count` or `for_each`), in the file it is written in.
    pub fn document(&self, name: &str, key: Option<&str>) -> Result<Option<Bound>, ReadError> {
        let Some(&(f, block)) = self.docs.get(name) else {
            return Ok(None);
        };
        let memo_key = format!("{name}[{}]", key.unwrap_or(""));
        let memo = self.doc_memo.borrow().get(&memo_key).map(|m| match m {
            Memo::Busy => None,
            Memo::Done(r) => Some(r.clone()),
        });
        match memo {
            Some(Some(r)) => return r.map(Some),
            Some(None) => {
                let e = err(
                    f,
                    span_of(block),
                    "cyclic-document",
                    format!("data.aws_iam_policy_document.{name} includes itself"),
                );
                self.cycles.borrow_mut().push(e.clone());
                return Err(e);
            }
            None => {}
        }
        let Some(env) = self.instance_env(f, block, key)? else {
            return Ok(None);
        };
        self.doc_memo
            .borrow_mut()
            .insert(memo_key.clone(), Memo::Busy);
        let r = self
            .render(f, block, &env)
            .map(|val| Bound { file: f, val });
        self.doc_memo
            .borrow_mut()
            .insert(memo_key, Memo::Done(r.clone()));
        r.map(Some)
    }

    /// The `each`/`count` binding of instance `key` of a block with `for_each` or `count`;
    /// `None` when the key does not fit the block (or cannot be known).
    pub fn instance_env(
        &self,
        f: usize,
        block: &Block,
        key: Option<&str>,
    ) -> Result<Option<Env>, ReadError> {
        let base = Env::default();
        let (for_each, count) = (
            block.body.get_attribute("for_each"),
            block.body.get_attribute("count"),
        );
        match (for_each, count, key) {
            (None, None, None) => Ok(Some(base)),
            (Some(fe), _, Some(key)) => {
                let coll = self.eval(f, &fe.value, &base)?;
                let Some(pairs) = pairs(&super::instances::for_each_set(coll)) else {
                    return Ok(None);
                };
                Ok(pairs
                    .into_iter()
                    .find(|(k, _)| sort_key(k) == key)
                    .map(|(k, v)| base.with("each", super::instances::each(k, v))))
            }
            (None, Some(c), Some(key)) => {
                let n = self.eval(f, &c.value, &base)?;
                let (Some(n), Ok(i)) = (super::instances::count(&n), key.parse::<usize>()) else {
                    return Ok(None);
                };
                Ok(
                    (i < n)
                        .then(|| base.with("count", super::instances::count_obj(i, &span_of(c)))),
                )
            }
            _ => Ok(None),
        }
    }

    fn render(&self, f: usize, block: &Block, env: &Env) -> Result<Val, ReadError> {
        let span = span_of(block);
        let head = span_of(&block.ident);
        let body = &block.body;
        let mut merged = Doc::default();
        let mut sids: Vec<String> = Vec::new();
        for src in self.documents(f, body, "source_policy_documents", env)? {
            for s in src.statements.iter().filter_map(sid) {
                if sids.contains(&s) {
                    return Err(err(
                        f,
                        span.clone(),
                        "duplicate-sid",
                        format!("Sid {s:?} appears in two source_policy_documents"),
                    ));
                }
                sids.push(s);
            }
            merged.merge(src);
        }
        let mut doc = Doc {
            version: Some(match body.get_attribute("version") {
                Some(a) => self.eval(f, &a.value, env)?,
                None => Val::str(head.clone(), "2012-10-17", false),
            }),
            id: match body.get_attribute("policy_id") {
                Some(a) => Some(self.eval(f, &a.value, env)?),
                None => None,
            },
            statements: Vec::new(),
        };
        self.each_block(f, body, "statement", env, &mut |env, b, bspan| {
            let stmt = self.statement(f, b, env, bspan)?;
            if let Some(s) = sid(&stmt) {
                if doc
                    .statements
                    .iter()
                    .any(|e| sid(e).as_deref() == Some(s.as_str()))
                {
                    return Err(err(
                        f,
                        bspan.clone(),
                        "duplicate-sid",
                        format!("duplicate Sid {s:?}"),
                    ));
                }
            }
            doc.statements.push(stmt);
            Ok(())
        })?;
        merged.merge(doc);
        for ov in self.documents(f, body, "override_policy_documents", env)? {
            merged.merge(ov);
        }
        Ok(merged.into_val(&span, &head))
    }

    /// The documents listed in attribute `name`, each parsed.
    fn documents(
        &self,
        f: usize,
        body: &Body,
        name: &str,
        env: &Env,
    ) -> Result<Vec<Doc>, ReadError> {
        let Some(attr) = body.get_attribute(name) else {
            return Ok(Vec::new());
        };
        let list = self.eval(f, &attr.value, env)?;
        let items = match list.kind {
            VKind::List(items) => items,
            VKind::Null => Vec::new(),
            _ => vec![list],
        };
        let mut out = Vec::new();
        for item in items {
            let val = match item.kind {
                VKind::Json(v) => *v,
                VKind::Object(_) => item,
                VKind::Null => continue,
                VKind::Str(t) => parse_json_text(&t).map_err(|(m, s)| err(f, s, "invalid-json", format!("{name}: {m}")))?,
                VKind::Unknown(what) => {
                    return Err(err(
                        f,
                        item.span,
                        "unresolved-policy",
                        format!("{name} lists `{what}`, which rolecall cannot resolve without running terraform"),
                    ))
                }
                _ => return Err(err(f, item.span, "invalid-policy", format!("{name} must list JSON documents"))),
            };
            out.push(Doc::from_val(val));
        }
        Ok(out)
    }

    /// Call `each` for every block `ident` in `body`, expanding `dynamic "ident"` blocks, in
    /// source order.
    fn each_block(
        &self,
        f: usize,
        body: &Body,
        ident: &str,
        env: &Env,
        each: &mut dyn FnMut(&Env, &Body, &Span) -> Result<(), ReadError>,
    ) -> Result<(), ReadError> {
        for s in body.iter() {
            let Structure::Block(b) = s else { continue };
            if b.ident.as_str() == ident {
                each(env, &b.body, &span_of(b))?;
            } else if b.ident.as_str() == "dynamic" && label(b, 0) == Some(ident) {
                self.dynamic(f, b, ident, env, each)?;
            }
        }
        Ok(())
    }

    fn dynamic(
        &self,
        f: usize,
        b: &Block,
        ident: &str,
        env: &Env,
        each: &mut dyn FnMut(&Env, &Body, &Span) -> Result<(), ReadError>,
    ) -> Result<(), ReadError> {
        let span = span_of(b);
        let unexpanded = |why: String| {
            err(
                f,
                span.clone(),
                "unexpanded-statement",
                format!("dynamic \"{ident}\" cannot be expanded: {why}"),
            )
        };
        let Some(fe) = b.body.get_attribute("for_each") else {
            return Err(unexpanded("it has no for_each".into()));
        };
        let coll = self.eval(f, &fe.value, env)?;
        let Some(pairs) = pairs(&coll) else {
            let what = self.source(f, &span_of(&fe.value));
            return Err(unexpanded(format!(
                "its for_each `{what}` is not known without running terraform"
            )));
        };
        if pairs.len() > MAX_EXPANSION {
            return Err(unexpanded(format!(
                "its for_each has over {MAX_EXPANSION} elements"
            )));
        }
        let iterator = match b.body.get_attribute("iterator").map(|a| &a.value) {
            Some(hcl_edit::expr::Expression::Variable(v)) => v.as_str().to_string(),
            _ => ident.to_string(),
        };
        let Some(content) = b.body.get_blocks("content").next() else {
            return Err(unexpanded("it has no content block".into()));
        };
        let cspan = span_of(content);
        for (k, v) in pairs {
            let e = env.with(&iterator, super::instances::each(k, v));
            each(&e, &content.body, &cspan)?;
        }
        Ok(())
    }

    fn statement(&self, f: usize, body: &Body, env: &Env, span: &Span) -> Result<Val, ReadError> {
        let mut m: Vec<(String, Span, Val)> = Vec::new();
        if let Some(a) = body.get_attribute("sid") {
            let v = self.eval(f, &a.value, env)?;
            if v.as_str() != Some("") {
                m.push(("Sid".into(), span_of(a), v));
            }
        }
        match body.get_attribute("effect") {
            Some(a) => m.push(("Effect".into(), span_of(a), self.eval(f, &a.value, env)?)),
            None => m.push((
                "Effect".into(),
                span.clone(),
                Val::str(span.clone(), "Allow", false),
            )),
        }
        for (attr, key, vars) in [
            ("actions", "Action", false),
            ("not_actions", "NotAction", false),
            ("resources", "Resource", true),
            ("not_resources", "NotResource", true),
        ] {
            if let Some(a) = body.get_attribute(attr) {
                let v = self.eval(f, &a.value, env)?;
                if let Some(v) = string_set(v, vars) {
                    m.push((key.into(), span_of(a), v));
                }
            }
        }
        for (ident, key) in [
            ("principals", "Principal"),
            ("not_principals", "NotPrincipal"),
        ] {
            if let Some(v) = self.principals(f, body, ident, env, span)? {
                m.push((key.into(), v.span.clone(), v));
            }
        }
        if let Some(v) = self.conditions(f, body, env, span)? {
            m.push(("Condition".into(), v.span.clone(), v));
        }
        Ok(Val::new(span.clone(), VKind::Object(m)))
    }

    fn principals(
        &self,
        f: usize,
        body: &Body,
        ident: &str,
        env: &Env,
        stmt: &Span,
    ) -> Result<Option<Val>, ReadError> {
        let mut found: Vec<(Val, Val, Span)> = Vec::new();
        self.each_block(f, body, ident, env, &mut |env, b, bspan| {
            let ty = match b.get_attribute("type") {
                Some(a) => self.eval(f, &a.value, env)?,
                None => Val::unknown(bspan.clone(), "type"),
            };
            let ids = match b.get_attribute("identifiers") {
                Some(a) => {
                    let v = self.eval(f, &a.value, env)?;
                    let s = span_of(&a.value);
                    string_set(v, true).unwrap_or_else(|| Val::new(s, VKind::List(Vec::new())))
                }
                None => Val::new(bspan.clone(), VKind::List(Vec::new())),
            };
            found.push((ty, ids, bspan.clone()));
            Ok(())
        })?;
        if found.is_empty() {
            return Ok(None);
        }
        if let [(ty, ids, bspan)] = found.as_slice() {
            let star = |v: &Val| match &v.kind {
                VKind::Str(t) => t.s == "*",
                VKind::List(items) => {
                    items.len() == 1 && items.first().and_then(Val::as_str) == Some("*")
                }
                _ => false,
            };
            if ty.as_str() == Some("*") && star(ids) {
                return Ok(Some(
                    Val::str(bspan.clone(), "*", false).with_span(ids.span.clone()),
                ));
            }
        }
        // Type → (key span, identifiers), keys sorted as Go marshals a map.
        let mut by_type: BTreeMap<String, (Span, Val)> = BTreeMap::new();
        for (ty, ids, _) in found {
            let key = sort_key(&ty);
            match by_type.get_mut(&key) {
                None => {
                    by_type.insert(key, (ty.span.clone(), ids));
                }
                Some((_, have)) => {
                    let mut list = match std::mem::replace(&mut have.kind, VKind::Null) {
                        VKind::List(items) => items,
                        k => vec![Val::new(have.span.clone(), k)],
                    };
                    match ids.kind {
                        VKind::List(items) => list.extend(items),
                        k => list.push(Val::new(ids.span, k)),
                    }
                    have.kind = VKind::List(list);
                }
            }
        }
        let members = by_type.into_iter().map(|(k, (ks, v))| (k, ks, v)).collect();
        Ok(Some(Val::new(stmt.clone(), VKind::Object(members))))
    }

    fn conditions(
        &self,
        f: usize,
        body: &Body,
        env: &Env,
        stmt: &Span,
    ) -> Result<Option<Val>, ReadError> {
        type Vars = BTreeMap<String, (Span, Span, Vec<Val>)>;
        let mut tests: BTreeMap<String, (Span, Vars)> = BTreeMap::new();
        let mut any = false;
        self.each_block(f, body, "condition", env, &mut |env, b, bspan| {
            let get = |name: &str| -> Result<Val, ReadError> {
                match b.get_attribute(name) {
                    Some(a) => self.eval(f, &a.value, env),
                    None => Ok(Val::unknown(bspan.clone(), name)),
                }
            };
            let (test, variable, values) = (get("test")?, get("variable")?, get("values")?);
            let vspan = values.span.clone();
            let values = match values.kind {
                VKind::List(items) => items,
                k => vec![Val::new(vspan.clone(), k)],
            };
            let values = values
                .into_iter()
                .map(|v| to_string(v, true))
                .collect::<Vec<_>>();
            let entry = tests
                .entry(sort_key(&test))
                .or_insert_with(|| (test.span.clone(), Vars::new()));
            let slot = entry
                .1
                .entry(sort_key(&variable))
                .or_insert_with(|| (variable.span.clone(), vspan, Vec::new()));
            slot.2.extend(values);
            any = true;
            Ok(())
        })?;
        if !any {
            return Ok(None);
        }
        let members = tests
            .into_iter()
            .map(|(test, (ts, vars))| {
                let inner = vars
                    .into_iter()
                    .map(|(var, (vs, values_span, mut values))| {
                        let v = if values.len() == 1 {
                            values
                                .pop()
                                .unwrap_or_else(|| Val::new(values_span.clone(), VKind::Null))
                        } else {
                            Val::new(values_span, VKind::List(values))
                        };
                        (var, vs, v)
                    })
                    .collect();
                (test, ts.clone(), Val::new(ts, VKind::Object(inner)))
            })
            .collect();
        Ok(Some(Val::new(stmt.clone(), VKind::Object(members))))
    }
}

impl Val {
    fn with_span(mut self, span: Span) -> Val {
        self.span = span;
        self
    }
}

/// A number or boolean where IAM wants a string becomes its text, as Terraform converts it;
/// with `vars`, `&{` becomes `${` (same length, so spans stay exact).
fn to_string(v: Val, vars: bool) -> Val {
    match v.kind {
        VKind::Number(n) => Val::str(v.span, n, false),
        VKind::Bool(b) => Val::str(v.span, b.to_string(), false),
        VKind::Str(mut t) if vars && t.s.contains("&{") => {
            t.s = t.s.replace("&{", "${");
            Val::new(v.span, VKind::Str(t))
        }
        k => Val::new(v.span, k),
    }
}

/// A set of strings as the provider renders it: `None` when empty, the element itself when
/// there is one, else the distinct elements sorted in reverse order.
fn string_set(v: Val, vars: bool) -> Option<Val> {
    let span = v.span.clone();
    let items = match v.kind {
        VKind::List(items) => items,
        VKind::Null => return None,
        k => vec![Val::new(span.clone(), k)],
    };
    let mut items: Vec<Val> = items.into_iter().map(|i| to_string(i, vars)).collect();
    items.sort_by_key(|b| std::cmp::Reverse(sort_key(b)));
    items.dedup_by(|a, b| sort_key(a) == sort_key(b));
    match items.len() {
        0 => None,
        1 => items.pop(),
        _ => Some(Val::new(span, VKind::List(items))),
    }
}
