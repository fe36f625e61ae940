#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use super::strings;
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

#[test]
fn escapes_decode_with_the_bytes_they_are_written_as() {
    let src = r#""a\"\u00e9\ud83d\ude00""#;
    let cs = strings::decode(src, &(0..src.len()));
    let chars: String = cs.iter().map(|(c, _)| *c).collect();
    assert_eq!(chars, "a\"é😀");
    assert_eq!(cs[1].1, 2..4);
    assert_eq!(cs[3].1, 10..22);
}

#[test]
fn templates_escapes_and_literals_translate_as_terraform_reads_them() {
    // `$${` stays a literal `${`; a sole interpolation is the expression itself; a variable
    // default is literal, so its `${` is escaped.
    let out = hcl(
        r#"{"locals": {"a": "$${x}", "b": "${var.y}", "c": "p-${var.y}-q"},
            "variable": {"v": {"default": "${z}", "type": "string"}}}"#,
    );
    assert!(out.contains("a = \"$${x}\""), "{out}");
    assert!(out.contains("b = var.y\n"), "{out}");
    assert!(out.contains("c = \"p-${var.y}-q\""), "{out}");
    assert!(out.contains("default = \"$${z}\""), "{out}");
    assert!(!out.contains("type"), "{out}");
    hcl_edit::parser::parse_body(&out).unwrap();
}

#[test]
fn the_map_points_back_at_the_json_bytes() {
    let src = r#"{"locals": {"sub": "repo:acme*"}}"#;
    let t = translate(src).unwrap();
    let at = t.hcl.find("repo:acme*").unwrap();
    let back = t.map.map_span(&(at..at + "repo:acme*".len()));
    assert_eq!(&src[back], "repo:acme*");
}
