//! Evaluating HCL expressions in one module instance: `var.x` (bound by the caller, else the
//! `default`), `local.x` (cycles are a `cyclic-local` error), string templates, `jsonencode`,
//! `tolist`/`toset`/`concat`, conditionals and `for` expressions over known values, and
//! `data.aws_iam_policy_document.x.json`. Anything else is a [`VKind::Unknown`] named by the
//! expression as written, which becomes a placeholder: never a wildcard.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Attribute, Block};
use hcl_edit::template::{Element, Template};

use super::modules::{label, ModuleSrc};
use super::value::{Text, VKind, Val};
use crate::json::{Span, MAX_DEPTH};
use crate::source::{ReadError, SourceFile};

/// Work allowed for one role's document (evaluation steps plus bytes built), so a file of
/// locals that double a string or a list forty times is an error, not an hour.
const BUDGET: usize = 16 * 1024 * 1024;
/// References followed inside one another (`local.a` → `local.b` → ...), and module nesting.
pub const MAX_REFERENCE_DEPTH: usize = 32;
/// Most elements `count` or one `for_each` may expand to.
pub const MAX_EXPANSION: usize = 10_000;

/// A value and the file it is written in.
#[derive(Debug, Clone)]
pub struct Bound {
    pub file: usize,
    pub val: Val,
}

/// Names bound while evaluating: `each`, `count`, a dynamic block's iterator, a `for` variable.
#[derive(Debug, Clone, Default)]
pub struct Env(pub Vec<(String, Val)>);

impl Env {
    pub fn with(&self, name: &str, val: Val) -> Env {
        let mut e = self.clone();
        e.0.push((name.to_string(), val));
        e
    }

    fn get(&self, name: &str) -> Option<&Val> {
        self.0.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

pub enum Memo {
    Busy,
    Done(Result<Bound, ReadError>),
}

/// One module instance: its source and the variables its caller bound.
pub struct Scope<'a> {
    pub files: &'a [SourceFile],
    vars: HashMap<String, Bound>,
    defaults: HashMap<&'a str, (usize, Option<&'a Expression>)>,
    locals: HashMap<&'a str, (usize, &'a Attribute)>,
    pub docs: HashMap<&'a str, (usize, &'a Block)>,
    local_memo: RefCell<HashMap<String, Memo>>,
    pub doc_memo: RefCell<HashMap<String, Memo>>,
    budget: Cell<usize>,
    depth: Cell<usize>,
    /// Every cycle met, so those no role reached are still reported.
    pub cycles: RefCell<Vec<ReadError>>,
}

pub fn span_of(x: &impl hcl_edit::Span) -> Span {
    x.span().unwrap_or(0..0)
}

pub fn err(file: usize, span: Span, code: &'static str, message: impl Into<String>) -> ReadError {
    ReadError {
        file,
        span,
        code,
        message: message.into(),
    }
}

impl<'a> Scope<'a> {
    pub fn new(
        files: &'a [SourceFile],
        module: &'a ModuleSrc,
        vars: HashMap<String, Bound>,
    ) -> Self {
        let mut defaults = HashMap::new();
        for (f, b) in module.blocks("variable") {
            if let Some(name) = label(b, 0) {
                defaults.insert(name, (f, b.body.get_attribute("default").map(|a| &a.value)));
            }
        }
        let mut locals = HashMap::new();
        for (f, b) in module.blocks("locals") {
            for a in b.body.attributes() {
                locals.insert(a.key.as_str(), (f, a));
            }
        }
        let mut docs = HashMap::new();
        for (f, b) in module.blocks("data") {
            if let (Some("aws_iam_policy_document"), Some(name)) = (label(b, 0), label(b, 1)) {
                docs.insert(name, (f, b));
            }
        }
        Scope {
            files,
            vars,
            defaults,
            locals,
            docs,
            local_memo: RefCell::default(),
            doc_memo: RefCell::default(),
            budget: Cell::new(BUDGET),
            depth: Cell::new(0),
            cycles: RefCell::default(),
        }
    }

    /// Start a new role's document with a full budget.
    pub fn reset_budget(&self) {
        self.budget.set(BUDGET);
    }

    pub fn spend(&self, file: usize, span: &Span, n: usize) -> Result<(), ReadError> {
        let left = self.budget.get();
        if n > left {
            return Err(err(
                file,
                span.clone(),
                "too-complex",
                "the policy's expressions take too much work to evaluate",
            ));
        }
        self.budget.set(left - n);
        Ok(())
    }

    /// The source text of `span` in `file`, trimmed: how a placeholder names an expression.
    pub fn source(&self, file: usize, span: &Span) -> String {
        self.files
            .get(file)
            .and_then(|f| f.text.get(span.clone()))
            .map_or_else(String::new, |s| {
                s.split_whitespace().collect::<Vec<_>>().join(" ")
            })
    }

    fn unknown(&self, file: usize, span: Span) -> Val {
        let what = self.source(file, &span);
        Val::unknown(span, what)
    }

    /// Run `f` one reference deeper.
    pub fn deeper<T>(
        &self,
        file: usize,
        span: &Span,
        f: impl FnOnce() -> Result<T, ReadError>,
    ) -> Result<T, ReadError> {
        let d = self.depth.get();
        if d >= MAX_REFERENCE_DEPTH {
            return Err(err(
                file,
                span.clone(),
                "too-deep",
                format!("references nest deeper than {MAX_REFERENCE_DEPTH} levels"),
            ));
        }
        self.depth.set(d + 1);
        let r = f();
        self.depth.set(d);
        r
    }

    /// Bring a value written in another file to `span` in `file`.
    pub fn here(&self, file: usize, span: &Span, bound: Bound) -> Result<Val, ReadError> {
        self.spend(file, span, bound.val.size())?;
        let mut val = bound.val;
        if bound.file != file {
            val.relocate(span);
        }
        Ok(val)
    }

    pub fn eval(&self, file: usize, e: &Expression, env: &Env) -> Result<Val, ReadError> {
        let span = span_of(e);
        self.spend(file, &span, 1)?;
        Ok(match e {
            Expression::Null(_) => Val::new(span, VKind::Null),
            Expression::Bool(b) => Val::new(span, VKind::Bool(*b.value())),
            Expression::Number(n) => Val::new(span, VKind::Number(n.value().to_string())),
            Expression::String(s) => self.literal(file, s.value(), &span),
            Expression::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    out.push(self.eval(file, item, env)?);
                }
                Val::new(span, VKind::List(out))
            }
            Expression::Object(obj) => {
                let mut out = Vec::with_capacity(obj.len());
                for (k, v) in obj.iter() {
                    let ks = span_of(k);
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(x) => {
                            let kv = self.eval(file, x, env)?;
                            match kv.to_text() {
                                Some(t) => t.s,
                                None => self.source(file, &ks),
                            }
                        }
                    };
                    out.push((key, ks, self.eval(file, v.expr(), env)?));
                }
                Val::new(span, VKind::Object(out))
            }
            Expression::StringTemplate(t) => self.template(file, t, &span, env)?,
            Expression::HeredocTemplate(h) => self.template(file, &h.template, &span, env)?,
            Expression::Parenthesis(p) => self.eval(file, p.inner(), env)?,
            Expression::Variable(v) => match env.get(v.as_str()) {
                Some(val) => {
                    let mut val = val.clone();
                    val.span = span;
                    val
                }
                None => self.unknown(file, span),
            },
            Expression::Traversal(t) => self.traversal(file, t, &span, env)?,
            Expression::FuncCall(f) => self.call(file, f, &span, env)?,
            Expression::Conditional(c) => {
                let cond = self.eval(file, &c.cond_expr, env)?;
                match cond.kind {
                    VKind::Bool(true) => self.eval(file, &c.true_expr, env)?,
                    VKind::Bool(false) => self.eval(file, &c.false_expr, env)?,
                    _ => self.unknown(file, span),
                }
            }
            Expression::ForExpr(f) => self.for_expr(file, f, &span, env)?,
            Expression::UnaryOp(_) | Expression::BinaryOp(_) => self.unknown(file, span),
        })
    }

    /// A quoted string: its source is the bytes between the quotes.
    fn literal(&self, file: usize, value: &str, span: &Span) -> Val {
        let src = self
            .files
            .get(file)
            .and_then(|f| f.text.get(span.clone()))
            .unwrap_or("");
        let (src, inner) = match src.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
            Some(s) => (s, span.start + 1..span.end.saturating_sub(1)),
            None => (src, span.clone()),
        };
        let mut t = Text::default();
        t.push_literal(value, src, &inner);
        Val::new(span.clone(), VKind::Str(t))
    }

    fn template(
        &self,
        file: usize,
        t: &Template,
        span: &Span,
        env: &Env,
    ) -> Result<Val, ReadError> {
        let mut out = Text::default();
        for el in t.iter() {
            match el {
                Element::Literal(l) => {
                    let ls = span_of(l);
                    let src = self
                        .files
                        .get(file)
                        .and_then(|f| f.text.get(ls.clone()))
                        .unwrap_or("");
                    self.spend(file, &ls, l.value().len())?;
                    out.push_literal(l.value(), src, &ls);
                }
                Element::Interpolation(i) => {
                    let v = self.eval(file, &i.expr, env)?;
                    let Some(text) = v.to_text() else {
                        return Ok(self.unknown(file, span.clone()));
                    };
                    self.spend(file, span, text.s.len())?;
                    out.push(text);
                }
                Element::Directive(_) => return Ok(self.unknown(file, span.clone())),
            }
        }
        if out.segs.is_empty() {
            return Ok(Val::str(span.clone(), "", false));
        }
        Ok(Val::new(span.clone(), VKind::Str(out)))
    }

    fn traversal(
        &self,
        file: usize,
        t: &hcl_edit::expr::Traversal,
        span: &Span,
        env: &Env,
    ) -> Result<Val, ReadError> {
        let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
            _ => None,
        };
        let Expression::Variable(root) = &t.expr else {
            let base = self.eval(file, &t.expr, env)?;
            return self.apply(file, base, &ops, span, env);
        };
        let root = root.as_str();
        if let Some(v) = env.get(root) {
            return self.apply(file, v.clone(), &ops, span, env);
        }
        match (root, attr(0)) {
            ("var", Some(name)) => {
                let v = self.deeper(file, span, || self.var(file, name, span))?;
                self.apply(file, v, ops.get(1..).unwrap_or_default(), span, env)
            }
            ("local", Some(name)) => {
                let v = self.deeper(file, span, || self.local(file, name, span))?;
                self.apply(file, v, ops.get(1..).unwrap_or_default(), span, env)
            }
            ("data", Some("aws_iam_policy_document")) => match self.doc_ref(file, t, env)? {
                Some(bound) => {
                    let doc = self.here(file, span, bound)?;
                    Ok(Val::new(span.clone(), VKind::Json(Box::new(doc))))
                }
                None => Ok(self.unknown(file, span.clone())),
            },
            _ => Ok(self.unknown(file, span.clone())),
        }
    }

    /// `data.aws_iam_policy_document.NAME[key].json`: the rendered document, in its own file.
    pub fn doc_ref(
        &self,
        file: usize,
        t: &hcl_edit::expr::Traversal,
        env: &Env,
    ) -> Result<Option<Bound>, ReadError> {
        let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
        let (Some(TraversalOperator::GetAttr(name)), rest) =
            (ops.get(1), ops.get(2..).unwrap_or_default())
        else {
            return Ok(None);
        };
        let (key, rest) = match rest {
            [TraversalOperator::Index(k), rest @ ..] => {
                let k = self.eval(file, k, env)?;
                match k.to_text() {
                    Some(t) if t.holes.is_empty() => (Some(t.s), rest),
                    _ => return Ok(None),
                }
            }
            [TraversalOperator::LegacyIndex(n), rest @ ..] => (Some(n.value().to_string()), rest),
            rest => (None, rest),
        };
        match rest {
            [TraversalOperator::GetAttr(a)] if matches!(a.as_str(), "json" | "minified_json") => {}
            _ => return Ok(None),
        }
        let span = span_of(t);
        self.deeper(file, &span, || self.document(name.as_str(), key.as_deref()))
    }

    fn apply(
        &self,
        file: usize,
        mut v: Val,
        ops: &[&TraversalOperator],
        span: &Span,
        env: &Env,
    ) -> Result<Val, ReadError> {
        for op in ops {
            let next = match op {
                TraversalOperator::GetAttr(a) => v.member(a.as_str()).cloned(),
                TraversalOperator::Index(k) => {
                    let k = self.eval(file, k, env)?;
                    index(&v, &k)
                }
                TraversalOperator::LegacyIndex(n) => match &v.kind {
                    VKind::List(items) => usize::try_from(*n.value())
                        .ok()
                        .and_then(|i| items.get(i))
                        .cloned(),
                    _ => None,
                },
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => None,
            };
            match next {
                Some(n) => v = n,
                None => return Ok(self.unknown(file, span.clone())),
            }
        }
        if matches!(v.kind, VKind::Unknown(_)) && !ops.is_empty() {
            return Ok(self.unknown(file, span.clone()));
        }
        Ok(v)
    }

    fn var(&self, file: usize, name: &str, span: &Span) -> Result<Val, ReadError> {
        if let Some(b) = self.vars.get(name) {
            return self.here(file, span, b.clone());
        }
        match self.defaults.get(name) {
            Some((f, Some(d))) => {
                let v = self.eval(*f, d, &Env::default())?;
                self.here(file, span, Bound { file: *f, val: v })
            }
            _ => Ok(self.unknown(file, span.clone())),
        }
    }

    fn local(&self, file: usize, name: &str, span: &Span) -> Result<Val, ReadError> {
        let Some(&(f, attr)) = self.locals.get(name) else {
            return Ok(self.unknown(file, span.clone()));
        };
        let memo = self.local_memo.borrow().get(name).map(|m| match m {
            Memo::Busy => None,
            Memo::Done(r) => Some(r.clone()),
        });
        let result = match memo {
            Some(Some(r)) => r,
            Some(None) => {
                let e = err(
                    f,
                    span_of(attr),
                    "cyclic-local",
                    format!("local.{name} depends on itself"),
                );
                self.cycles.borrow_mut().push(e.clone());
                return Err(e);
            }
            None => {
                self.local_memo
                    .borrow_mut()
                    .insert(name.to_string(), Memo::Busy);
                let r = self.eval(f, &attr.value, &Env::default()).and_then(|val| {
                    if val.depth() > MAX_DEPTH {
                        return Err(err(
                            f,
                            span_of(attr),
                            "too-deep",
                            format!("local.{name} nests deeper than {MAX_DEPTH} levels"),
                        ));
                    }
                    Ok(Bound { file: f, val })
                });
                self.local_memo
                    .borrow_mut()
                    .insert(name.to_string(), Memo::Done(r.clone()));
                r
            }
        };
        self.here(file, span, result?)
    }

    /// Every local, evaluated once: cycles nobody referenced are still errors in Terraform.
    pub fn check_locals(&self) {
        let names: Vec<&str> = self.locals.keys().copied().collect();
        for name in names {
            self.reset_budget();
            let _ = self.local(usize::MAX, name, &(0..0));
        }
    }

    fn call(
        &self,
        file: usize,
        f: &hcl_edit::expr::FuncCall,
        span: &Span,
        env: &Env,
    ) -> Result<Val, ReadError> {
        if f.name.is_namespaced() {
            return Ok(self.unknown(file, span.clone()));
        }
        let mut args = Vec::new();
        for a in f.args.iter() {
            args.push(self.eval(file, a, env)?);
        }
        let out = match (f.name.name.as_str(), args.as_slice()) {
            ("jsonencode", [v]) => Some(VKind::Json(Box::new(v.clone()))),
            ("tolist", [v]) if matches!(v.kind, VKind::List(_)) => Some(v.kind.clone()),
            ("toset", [v]) => match &v.kind {
                VKind::List(items) => Some(VKind::List(set(items))),
                _ => None,
            },
            ("concat", lists) => {
                let mut out = Vec::new();
                for l in lists {
                    match &l.kind {
                        VKind::List(items) => out.extend(items.iter().cloned()),
                        _ => return Ok(self.unknown(file, span.clone())),
                    }
                }
                Some(VKind::List(out))
            }
            _ => None,
        };
        Ok(match out {
            Some(kind) => Val::new(span.clone(), kind),
            None => self.unknown(file, span.clone()),
        })
    }

    fn for_expr(
        &self,
        file: usize,
        f: &hcl_edit::expr::ForExpr,
        span: &Span,
        env: &Env,
    ) -> Result<Val, ReadError> {
        let coll = self.eval(file, &f.intro.collection_expr, env)?;
        let Some(pairs) = pairs(&coll) else {
            return Ok(self.unknown(file, span.clone()));
        };
        if f.grouping {
            return Ok(self.unknown(file, span.clone()));
        }
        let mut list = Vec::new();
        let mut obj = Vec::new();
        for (k, v) in pairs {
            let mut e = env.with(f.intro.value_var.as_str(), v);
            if let Some(kv) = &f.intro.key_var {
                e = e.with(kv.as_str(), k);
            }
            if let Some(c) = &f.cond {
                match self.eval(file, &c.expr, &e)?.kind {
                    VKind::Bool(true) => {}
                    VKind::Bool(false) => continue,
                    _ => return Ok(self.unknown(file, span.clone())),
                }
            }
            let value = self.eval(file, &f.value_expr, &e)?;
            match &f.key_expr {
                None => list.push(value),
                Some(ke) => {
                    let key = self.eval(file, ke, &e)?;
                    let Some(t) = key.to_text() else {
                        return Ok(self.unknown(file, span.clone()));
                    };
                    obj.push((t.s, key.span, value));
                }
            }
        }
        Ok(match f.key_expr {
            None => Val::new(span.clone(), VKind::List(list)),
            Some(_) => Val::new(span.clone(), VKind::Object(obj)),
        })
    }
}

/// `v[k]` on a known value.
fn index(v: &Val, k: &Val) -> Option<Val> {
    match (&v.kind, &k.kind) {
        (VKind::List(items), VKind::Number(n)) => {
            n.parse::<usize>().ok().and_then(|i| items.get(i)).cloned()
        }
        (VKind::Object(_), VKind::Str(t)) if t.holes.is_empty() => v.member(&t.s).cloned(),
        _ => None,
    }
}

/// A set of strings as Terraform orders it: sorted, duplicates dropped.
pub fn set(items: &[Val]) -> Vec<Val> {
    let mut out: Vec<Val> = items.to_vec();
    out.sort_by_key(sort_key);
    out.dedup_by(|a, b| sort_key(a) == sort_key(b));
    out
}

pub fn sort_key(v: &Val) -> String {
    v.to_text().map(|t| t.s).unwrap_or_default()
}

/// The (key, value) pairs `for`, `for_each` and `dynamic` iterate: a list's index and element,
/// an object's keys in sorted order (as Terraform iterates a map).
pub fn pairs(coll: &Val) -> Option<Vec<(Val, Val)>> {
    match &coll.kind {
        VKind::List(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    (
                        Val::new(v.span.clone(), VKind::Number(i.to_string())),
                        v.clone(),
                    )
                })
                .collect(),
        ),
        VKind::Object(members) => {
            let mut m: Vec<_> = members
                .iter()
                .map(|(k, ks, v)| (Val::str(ks.clone(), k.clone(), false), v.clone()))
                .collect();
            m.sort_by_key(|a| sort_key(&a.0));
            Some(m)
        }
        _ => None,
    }
}
