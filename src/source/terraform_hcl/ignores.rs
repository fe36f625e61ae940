//! Inline suppressions in `.tf` files, the HCL form of CloudFormation's `Metadata` ignores:
//! comment lines directly above an `aws_iam_role` block (no blank line between), each
//!
//! ```hcl
//! # rolecall:ignore mutable-subject-name -- the acme organisation's names never change
//! resource "aws_iam_role" "deploy" { ... }
//! ```
//!
//! naming one rule id (or an ignorable reader problem, or `*`) and, after ` -- `, the reason,
//! which is required as in `rolecall.toml`. `//` comments work too. An ignore without a reason
//! or of an unknown id is a located error and suppresses nothing (see `source::adapter`). The
//! ignore applies to every instance of the block (`count`, `for_each`).

use crate::source::InlineIgnore;

/// The marker after the comment sign.
const MARKER: &str = "rolecall:ignore";

/// The ignores written in the comment lines directly above the line where `block_start` is.
pub fn above(text: &str, block_start: usize) -> Vec<InlineIgnore> {
    let head = text.get(..block_start).unwrap_or_default();
    // The block's own line, up to the block: only indentation may precede it.
    let line_start = head.rfind('\n').map_or(0, |i| i + 1);
    if !head.get(line_start..).unwrap_or_default().trim().is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut end = line_start;
    while end > 0 {
        let prev_end = end - 1; // the '\n' ending the previous line
        let start = text
            .get(..prev_end)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1);
        let line = text.get(start..prev_end).unwrap_or_default();
        let trimmed = line.trim();
        let Some(comment) = trimmed
            .strip_prefix('#')
            .or_else(|| trimmed.strip_prefix("//"))
        else {
            break;
        };
        if let Some(rest) = comment.trim_start().strip_prefix(MARKER) {
            let (rule, reason) = match rest.split_once(" -- ") {
                Some((rule, reason)) => (rule, reason),
                None => (rest.trim_end().trim_end_matches("--"), ""),
            };
            let offset = line.len() - line.trim_start().len();
            out.push(InlineIgnore {
                rule: rule.trim().to_string(),
                reason: reason.trim().to_string(),
                span: start + offset..start + offset + trimmed.len(),
            });
        }
        end = start;
    }
    out.reverse();
    out
}

/// Why an ignore is refused: no reason, or an id that is no rule and no ignorable problem.
pub fn problem(i: &InlineIgnore, address: &str) -> Option<(&'static str, String)> {
    if i.reason.is_empty() {
        return Some((
            "ignore-without-reason",
            format!(
                "the ignore of `{}` above {address} has no reason: write \
                 `# rolecall:ignore {} -- <reason>`",
                i.rule, i.rule
            ),
        ));
    }
    if !crate::source::is_ignorable(&i.rule) {
        return Some((
            "unknown-rule",
            format!(
                "the ignore of `{}` above {address} names no rule and no ignorable reader problem",
                i.rule
            ),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn comments_directly_above_the_block_are_read_in_order() {
        let text = "# unrelated\n\n# rolecall:ignore a -- first\n  // rolecall:ignore b -- second\n# a note\nresource \"aws_iam_role\" \"r\" {}\n";
        let at = text.find("resource").unwrap_or(0);
        let got = above(text, at);
        let rules: Vec<(&str, &str)> = got
            .iter()
            .map(|i| (i.rule.as_str(), i.reason.as_str()))
            .collect();
        assert_eq!(rules, [("a", "first"), ("b", "second")]);
        assert_eq!(&text[got[1].span.clone()], "// rolecall:ignore b -- second");
    }

    #[test]
    fn a_blank_line_ends_the_comments_and_a_missing_reason_is_kept_empty() {
        let text = "# rolecall:ignore a -- far\n\n# rolecall:ignore b\nresource \"x\" \"y\" {}\n";
        let got = above(text, text.find("resource").unwrap_or(0));
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].rule.as_str(), got[0].reason.as_str()), ("b", ""));
        assert!(above("resource \"x\" \"y\" {}", 0).is_empty());
    }
}
