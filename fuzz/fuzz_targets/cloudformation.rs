//! Arbitrary bytes as a CloudFormation template (YAML or JSON): reading never panics, every
//! span it reports lies on character boundaries inside the file it names, and each role's tree
//! parses and lints without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolecall::json::{Kind, Node, Span};
use rolecall::lint::{self, Config};
use rolecall::source::cloudformation;

fn inside(text: &str, span: &Span, what: &str) {
    assert!(
        span.start <= span.end && text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what} span {span:?} is not inside the {}-byte file",
        text.len()
    );
}

fn tree_inside(text: &str, node: &Node<'_>) {
    inside(text, &node.span, "tree");
    match &node.kind {
        Kind::Array(items) => items.iter().for_each(|n| tree_inside(text, n)),
        Kind::Object(members) => members.iter().for_each(|m| {
            inside(text, &m.key_span, "key");
            tree_inside(text, &m.value);
        }),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let out = cloudformation::read_bytes(std::path::Path::new("fuzz.yaml"), data);
    let Some(file) = out.files.first() else {
        panic!("no file in the output");
    };
    let text = &file.text;
    for e in &out.errors {
        if e.code != "not-utf8" {
            inside(text, &e.span, e.code);
        }
    }
    for f in &out.found {
        inside(text, &f.span, "role");
        f.placeholders.iter().for_each(|p| inside(text, &p.span, "placeholder"));
        f.ignores.iter().for_each(|i| inside(text, &i.span, "ignore"));
        match &f.tree {
            Ok(tree) => {
                tree_inside(text, tree);
                if let Ok(policy) = rolecall::policy::from_node(tree, "") {
                    let _ = lint::lint(&policy, &Config::default(), &f.address);
                }
            }
            Err(e) => inside(text, &e.span, e.code),
        }
    }
});
