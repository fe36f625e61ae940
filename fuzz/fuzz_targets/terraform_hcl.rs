//! Arbitrary bytes as a `.tf` file (or, when they start with `{`, a `.tf.json` one): the Terraform HCL reader never panics, every span it hands
//! out lies inside the file, every placeholder is free of wildcards, and each document it
//! builds goes through the policy parser and the linter without a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use rolecall::lint::{self, Config};
use rolecall::source::terraform_hcl;

fn within(len: usize, span: &std::ops::Range<usize>) -> bool {
    span.start <= span.end && span.end <= len
}

fuzz_target!(|data: &[u8]| {
    let out = terraform_hcl::read_text(Path::new("fuzz.tf"), data.to_vec());
    let len = out.files.first().map_or(0, |f| f.text.len());
    for e in &out.errors {
        assert!(within(len, &e.span), "error span {e:?} outside {len} bytes");
    }
    let config = Config::default();
    for f in &out.found {
        assert!(within(len, &f.span), "role span {:?} outside {len} bytes", f.span);
        for p in &f.placeholders {
            assert!(within(len, &p.span), "placeholder {p:?} outside {len} bytes");
            assert!(!p.text.is_empty() && !p.text.contains(['*', '?', '$']), "{p:?}");
        }
        match &f.tree {
            Ok(tree) => {
                if let Ok(policy) = rolecall::policy::from_node(tree, "") {
                    let _ = lint::lint(&policy, &config, "fuzz.tf");
                }
            }
            Err(e) => assert!(within(len, &e.span), "{e:?} outside {len} bytes"),
        }
    }
});
