//! Inserting a condition into a statement as the user wrote it: JSON members into a `{`
//! container (JSON, YAML flow mappings), indented lines into a YAML block mapping. Every other
//! byte stays where it is; the new text follows the file's line ending and indentation.

use super::edit::Edit;
use crate::policy::Statement;

/// The edit that adds `key: value` under the plain operator `op` of `s`: into the operator's
/// block when there is one, else a new operator block in `Condition`, else a new `Condition`.
pub fn condition(text: &str, s: &Statement, op: &str, key: &str, value: &str) -> Option<Edit> {
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    if let Some(c) = s.conditions.iter().find(|c| c.operator.name() == op) {
        let at = value_start(text, c.operator_loc.span.end)?;
        return if text.get(at..)?.starts_with('{') {
            flow_member(text, at + 1, &member(key, value), nl)
        } else {
            block_lines(text, c.key_loc.span.start, &[(0, pair(key, value))], nl)
        };
    }
    if s.condition_loc.is_some() {
        let json = format!("{}: {{ {} }}", quote(op), member(key, value));
        return new_block(text, s, op, &json, &pair(key, value));
    }
    let at = s.loc.span.start;
    if text.get(at..)?.starts_with('{') {
        let m = format!(
            "\"Condition\": {{ {}: {{ {} }} }}",
            quote(op),
            member(key, value)
        );
        return flow_member(text, at + 1, &m, nl);
    }
    let lines = [
        (0, "Condition:".to_string()),
        (2, format!("{op}:")),
        (4, pair(key, value)),
    ];
    block_after(text, s.loc.span.clone(), &lines, nl)
}

/// The edit that adds a block of the operator `op` to the `Condition` of `s`, holding one
/// member: `json` in a `{` container (`"Op": { ... }`), `yaml` (`key: value`) under a new
/// `op:` line in a YAML block.
pub fn new_block(text: &str, s: &Statement, op: &str, json: &str, yaml: &str) -> Option<Edit> {
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let at = s.condition_loc.as_ref()?.span.start;
    if text.get(at..)?.starts_with('{') {
        return flow_member(text, at + 1, json, nl);
    }
    let first = s
        .conditions
        .iter()
        .map(|c| c.operator_loc.span.start)
        .min()?;
    let step = child_step(text, s).unwrap_or(2);
    let lines = [(0, format!("{op}:")), (step, yaml.to_string())];
    block_lines(text, first, &lines, nl)
}

/// Where the value of the key ending at `end` starts (after `:` and blanks).
fn value_start(text: &str, end: usize) -> Option<usize> {
    let rest = text.get(end..)?;
    let trimmed = rest.trim_start_matches(['"', '\'']).trim_start();
    let after = trimmed.strip_prefix(':')?;
    let value = after.trim_start_matches([' ', '\t', '\r', '\n']);
    Some(text.len() - value.len())
}

/// `"key": "value"`, JSON-quoted.
fn member(key: &str, value: &str) -> String {
    format!("{}: {}", quote(key), quote(value))
}

fn quote(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// `key: value` for a YAML block, quoted only when the plain form would read differently.
fn pair(key: &str, value: &str) -> String {
    format!("{}: {}", yaml_scalar(key), yaml_scalar(value))
}

fn yaml_scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | ':'))
        && !s.ends_with(':')
        && !s.starts_with(['-', ':']);
    if plain {
        s.to_string()
    } else {
        quote(s)
    }
}

/// Insert `m` as the first member of the `{` container whose contents start at `inside`.
fn flow_member(text: &str, inside: usize, m: &str, nl: &str) -> Option<Edit> {
    let rest = text.get(inside..)?;
    let blank = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let next = rest.get(blank..)?;
    if next.starts_with('}') {
        return Some(Edit::new(inside..inside, format!(" {m} ")));
    }
    if next.starts_with(['\r', '\n']) {
        // One member a line: the new one goes on its own line, indented like the next.
        let line = next.trim_start_matches(['\r', '\n']);
        let indent: String = line
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        return Some(Edit::new(inside..inside, format!("{nl}{indent}{m},")));
    }
    let at = inside + blank;
    Some(Edit::new(at..at, format!("{m}, ")))
}

/// Insert lines (extra indent, text) before the line of the block key at `key_start`, at its
/// indentation. The key must be the first thing on its line.
fn block_lines(text: &str, key_start: usize, lines: &[(usize, String)], nl: &str) -> Option<Edit> {
    let line_start = text.get(..key_start)?.rfind('\n').map_or(0, |i| i + 1);
    let lead = text.get(line_start..key_start)?;
    if !lead.chars().all(|c| c == ' ') {
        return None;
    }
    // Comment lines just above the key belong to it: the new lines go above them.
    let mut at = line_start;
    while at > 0 {
        let above = text.get(..at - 1)?;
        let prev_start = above.rfind('\n').map_or(0, |i| i + 1);
        let prev = text.get(prev_start..at)?;
        let indent = prev.len() - prev.trim_start().len();
        if !prev.trim_start().starts_with('#') || indent != lead.len() {
            break;
        }
        at = prev_start;
    }
    let body = render(lead.len(), lines, nl);
    Some(Edit::new(at..at, body))
}

/// Insert lines after the block mapping `span` (a statement), at the indentation of its
/// first key.
fn block_after(
    text: &str,
    span: crate::json::Span,
    lines: &[(usize, String)],
    nl: &str,
) -> Option<Edit> {
    let line_start = text.get(..span.start)?.rfind('\n').map_or(0, |i| i + 1);
    let lead = text.get(line_start..span.start)?;
    // `- Effect: Allow`: the mapping's keys sit at the column after the dash.
    if !lead.chars().all(|c| c == ' ' || c == '-') {
        return None;
    }
    // A block's span runs on to the next key's indentation: its content ends before that.
    let content = text.get(span.clone())?.trim_end();
    let last = (span.start + content.len()).checked_sub(1)?.max(span.start);
    let tail = text.get(last..)?;
    match tail.find('\n') {
        Some(i) => {
            let at = last + i + 1;
            Some(Edit::new(at..at, render(lead.len(), lines, nl)))
        }
        None => {
            let body = render(lead.len(), lines, nl);
            let body = body.strip_suffix(nl).unwrap_or(&body);
            Some(Edit::new(text.len()..text.len(), format!("{nl}{body}")))
        }
    }
}

fn render(indent: usize, lines: &[(usize, String)], nl: &str) -> String {
    lines
        .iter()
        .map(|(extra, l)| format!("{}{l}{nl}", " ".repeat(indent + extra)))
        .collect()
}

/// How far a YAML block's condition keys are indented under their operator.
fn child_step(text: &str, s: &Statement) -> Option<usize> {
    let c = s.conditions.first()?;
    let col = |at: usize| {
        text.get(..at)
            .map(|before| at - before.rfind('\n').map_or(0, |i| i + 1))
    };
    let (op, key) = (col(c.operator_loc.span.start)?, col(c.key_loc.span.start)?);
    (key > op).then(|| key - op)
}

/// The edit that adds the member `key: value`, both written verbatim (copied from the file),
/// to the operator block of `c`. `None` for a value written over several lines.
pub fn verbatim_member(
    text: &str,
    c: &crate::policy::Condition,
    key: &str,
    value: &str,
) -> Option<Edit> {
    if value.contains('\n') {
        return None;
    }
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let at = value_start(text, c.operator_loc.span.end)?;
    let m = format!("{key}: {value}");
    if text.get(at..)?.starts_with('{') {
        flow_member(text, at + 1, &m, nl)
    } else {
        block_lines(text, c.key_loc.span.start, &[(0, m)], nl)
    }
}

/// The edit that deletes an operator and its block, the operator's key written at
/// `key_start..key_end`.
pub fn remove_block(text: &str, key_start: usize, key_end: usize) -> Option<Edit> {
    let at = value_start(text, key_end)?;
    let end = if text.get(at..)?.starts_with('{') {
        at + closing_brace(text.get(at..)?)? + 1
    } else {
        at
    };
    remove_member(text, key_start, end)
}

/// The edit that deletes the member whose key starts at `key_start` and whose value ends at
/// `value_end`: in a `{` container with the comma that separates it, in a YAML block with its
/// lines (and the lines indented under it).
pub fn remove_member(text: &str, key_start: usize, value_end: usize) -> Option<Edit> {
    let before = text.get(..key_start)?.trim_end();
    if before.ends_with(['{', ',']) {
        let after = text.get(value_end..)?.trim_start();
        if let Some(next) = after.strip_prefix(',') {
            let to = text.len() - next.trim_start().len();
            return Some(Edit::new(key_start..to, ""));
        }
        // The last member: the comma before it goes.
        let comma = before.strip_suffix(',')?;
        return Some(Edit::new(comma.len()..value_end, ""));
    }
    let line_start = text.get(..key_start)?.rfind('\n').map_or(0, |i| i + 1);
    let indent = key_start - line_start;
    let last = value_end.max(key_start + 1) - 1;
    let mut end = text
        .get(last..)?
        .find('\n')
        .map_or(text.len(), |i| last + i + 1);
    while end < text.len() {
        let line = text.get(end..)?;
        let this = line.find('\n').map_or(line.len(), |i| i + 1);
        let body = line.get(..this)?;
        let lead = body.len() - body.trim_start_matches(' ').len();
        if !body.trim().is_empty() && lead <= indent {
            break;
        }
        end += this;
    }
    Some(Edit::new(line_start..end, ""))
}

/// The offset of the `}` closing the `{` that `s` starts with (strings skipped).
fn closing_brace(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string: Option<char> = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if let Some(q) = in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                in_string = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => in_string = Some(c),
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The edit that adds a `condition` block (`test`, `variable`, `values`) at the end of a
/// Terraform `aws_iam_policy_document` `statement` block, indented like the block's own
/// attributes, after a blank line. `None` for any other form (`jsonencode`, a `dynamic`
/// statement) and for text HCL would read as a template.
pub fn hcl_condition_block(
    text: &str,
    s: &Statement,
    op: &str,
    key: &str,
    value: &str,
) -> Option<Edit> {
    if [op, key, value]
        .iter()
        .any(|t| t.contains("${") || t.contains("%{"))
    {
        return None;
    }
    let block = text.get(s.loc.span.clone())?;
    let body = block.trim_end();
    if !block.trim_start().starts_with("statement") || !body.ends_with('}') {
        return None;
    }
    let close = s.loc.span.start + body.len() - 1;
    let line_start = text.get(..close)?.rfind('\n').map_or(0, |i| i + 1);
    let outer = text.get(line_start..close)?;
    if !outer.chars().all(|c| c == ' ') {
        return None;
    }
    // The statement's attributes' indentation: the first line inside the block.
    let inner = block
        .lines()
        .skip(1)
        .find(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .filter(|n| *n > outer.len())
        .unwrap_or(outer.len() + 2);
    let step = inner - outer.len();
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let (i, j) = (" ".repeat(inner), " ".repeat(inner + step));
    let body = format!(
        "{nl}{i}condition {{{nl}{j}test     = {}{nl}{j}variable = {}{nl}{j}values   = [{}]{nl}{i}}}{nl}",
        quote(op),
        quote(key),
        quote(value)
    );
    Some(Edit::new(line_start..line_start, body))
}
