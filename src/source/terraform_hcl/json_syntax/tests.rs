#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use super::*;

fn hcl(json: &str) -> String {
    translate(json).unwrap().hcl
}

#[test]
fn a_role_becomes_a_native_block() {
    let out = hcl(
        r#"{"resource": {"aws_iam_role": {"deploy": {"name": "d", "assume_role_policy": "${jsonencode({\"Version\": \"2012-10-17\"})}"}}}}"#,
    );
    assert!(
        out.contains("resource \"aws_iam_role\" \"deploy\" {"),
        "{out}"
    );
    assert!(
        out.contains("assume_role_policy = jsonencode({\"Version\": \"2012-10-17\"})"),
        "{out}"
    );
    assert!(out.contains("name = \"d\""), "{out}");
    hcl_edit::parser::parse_body(&out).unwrap();
}
