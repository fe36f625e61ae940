//! Back from the native translation to the JSON: the file's text, and every span the reader
//! reported in it.

use crate::json::{Kind, Node};
use crate::source::{Found, ReadError, ReadOutput};

use super::super::value::Text;
use super::JsonSource;

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
    for e in out.errors.iter_mut().chain(out.notes.iter_mut()) {
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
