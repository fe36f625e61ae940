//! `count` and `for_each`: the instances of a resource, a module call or a data block.

use super::eval::{pairs, sort_key, Env, Scope, MAX_EXPANSION};
use super::value::{VKind, Val};
use crate::json::Span;
use crate::source::ReadError;
use hcl_edit::structure::Block;

/// `each = { key, value }` (also a dynamic block's iterator).
pub fn each(key: Val, value: Val) -> Val {
    let span = value.span.clone();
    Val::new(
        span.clone(),
        VKind::Object(vec![
            ("key".into(), key.span.clone(), key),
            ("value".into(), span, value),
        ]),
    )
}

/// `count = { index }`.
pub fn count_obj(i: usize, span: &Span) -> Val {
    let index = Val::new(span.clone(), VKind::Number(i.to_string()));
    Val::new(
        span.clone(),
        VKind::Object(vec![("index".into(), span.clone(), index)]),
    )
}

/// A known whole `count`, capped at [`MAX_EXPANSION`].
pub fn count(v: &Val) -> Option<usize> {
    match &v.kind {
        VKind::Number(n) => n.parse::<usize>().ok().filter(|n| *n <= MAX_EXPANSION),
        _ => None,
    }
}

/// `for_each` takes a map or a set of strings: a set's keys are its elements.
pub fn for_each_set(v: Val) -> Val {
    match v.kind {
        VKind::List(items) => {
            let members = items
                .into_iter()
                .map(|i| (sort_key(&i), i.span.clone(), i))
                .collect();
            Val::new(v.span, VKind::Object(members))
        }
        k => Val::new(v.span, k),
    }
}

/// One instance: the address suffix (`["a"]`, `[0]`, or empty) and its bindings.
pub type Instance = (String, Env);

/// The instances of `block`; an error when `for_each` or `count` is not known.
pub fn expand(
    scope: &Scope<'_>,
    f: usize,
    block: &Block,
    code: &'static str,
) -> Result<Vec<Instance>, ReadError> {
    let base = Env::default();
    let unknown = |what: &str, span: Span| {
        super::eval::err(
            f,
            span,
            code,
            format!("`{what}` is not known without running terraform, so its instances cannot be expanded"),
        )
    };
    if let Some(fe) = block.body.get_attribute("for_each") {
        let coll = for_each_set(scope.eval(f, &fe.value, &base)?);
        let span = super::eval::span_of(&fe.value);
        let Some(pairs) = pairs(&coll).filter(|p| p.len() <= MAX_EXPANSION) else {
            return Err(unknown(&scope.source(f, &span), span));
        };
        return Ok(pairs
            .into_iter()
            .map(|(k, v)| {
                let key = sort_key(&k);
                (format!("[{key:?}]"), base.with("each", each(k, v)))
            })
            .collect());
    }
    if let Some(c) = block.body.get_attribute("count") {
        let span = super::eval::span_of(&c.value);
        let Some(n) = count(&scope.eval(f, &c.value, &base)?) else {
            return Err(unknown(&scope.source(f, &span), span));
        };
        return Ok((0..n)
            .map(|i| (format!("[{i}]"), base.with("count", count_obj(i, &span))))
            .collect());
    }
    Ok(vec![(String::new(), base)])
}
