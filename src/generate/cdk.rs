//! The AWS CDK (TypeScript) form, and how it reads back.
//!
//! The snippet's `new iam.FederatedPrincipal(federated, conditions, action)` carries the whole
//! trust policy: CDK synthesizes it as one statement `{"Effect": "Allow", "Principal":
//! {"Federated": federated}, "Action": action, "Condition": conditions}`, and adds
//! `sts:TagSession` to the actions when the role is assumed by `principal.withSessionTags()`.
//! rolecall writes the conditions and the action as strict JSON (a JSON value is also a
//! TypeScript expression) and the federated principal as a JSON string, or, for an ARN, as a
//! template literal over `cdk.Aws.ACCOUNT_ID` and nothing else. [`read`] parses those arguments
//! with a JSON parser, compiling no TypeScript, and rebuilds the policy CDK would synthesize.

use serde_json::{json, Map, Value};

use super::error::GenerateError;
use super::render::q;
use super::Generated;

const CALL: &str = "new iam.FederatedPrincipal(";
const ACCOUNT: &str = "${cdk.Aws.ACCOUNT_ID}";
const INPUT: &str = "cdk";

/// Text in a TypeScript template literal: `\`, `` ` `` and `$` escaped.
fn template_text(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('`', "\\`")
        .replace('$', "\\$")
}

/// The conditions object: operator -> key -> value, as JSON.
fn conditions(g: &Generated) -> Value {
    let mut ops = Map::new();
    for (op, keys) in super::render::blocks(g) {
        let entries: Map<String, Value> = keys
            .into_iter()
            .map(|(k, v)| {
                let v = match v {
                    [one] => Value::String(one.clone()),
                    many => Value::Array(many.iter().cloned().map(Value::String).collect()),
                };
                (k, v)
            })
            .collect();
        ops.insert(op.operator().to_string(), Value::Object(entries));
    }
    Value::Object(ops)
}

pub(super) fn render(g: &Generated) -> String {
    let mut s = String::new();
    s.push_str(
        "import * as cdk from 'aws-cdk-lib';\nimport * as iam from 'aws-cdk-lib/aws-iam';\n\n",
    );
    s.push_str(&format!("// Role for {}.\n", g.description));
    s.push_str("// The principal's arguments are strict JSON: `rolecall` reads them back.\n");
    s.push_str(CALL);
    s.push('\n');
    if g.builtin {
        s.push_str(&format!("  {},\n", q(&g.issuer)));
    } else {
        s.push_str(&format!(
            "  `arn:aws:iam::{ACCOUNT}:oidc-provider/{}`,\n",
            template_text(&g.issuer)
        ));
    }
    let object = serde_json::to_string_pretty(&conditions(g)).unwrap_or_default();
    s.push_str(&format!("  {},\n", object.replace('\n', "\n  ")));
    s.push_str("  \"sts:AssumeRoleWithWebIdentity\",\n);\n");
    let principal = if g.tag_session {
        "principal.withSessionTags()"
    } else {
        "principal"
    };
    s.push_str(&format!(
        "new iam.Role(this, 'Role', {{ assumedBy: {principal} }});\n"
    ));
    s.replacen(CALL, &format!("const principal = {CALL}"), 1)
}

fn bad(message: impl Into<String>) -> GenerateError {
    GenerateError::new(INPUT, message)
}

/// One JSON value at the start of `text` (after white space), and the text after it.
fn json_value(text: &str) -> Result<(Value, &str), GenerateError> {
    let mut values = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let value = values
        .next()
        .ok_or_else(|| bad("expected a JSON value"))?
        .map_err(|e| bad(format!("not strict JSON: {e}")))?;
    let rest = text.get(values.byte_offset()..).unwrap_or("");
    Ok((value, rest))
}

/// `text` after white space and the punctuation `c`.
fn expect(text: &str, c: char) -> Result<&str, GenerateError> {
    text.trim_start()
        .strip_prefix(c)
        .ok_or_else(|| bad(format!("expected `{c}`")))
}

/// A template literal at the start of `text`, `${cdk.Aws.ACCOUNT_ID}` replaced by `account`.
fn template<'a>(text: &'a str, account: &str) -> Result<(String, &'a str), GenerateError> {
    let body = text.strip_prefix('`').ok_or_else(|| bad("expected `"))?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '`' => return Ok((out, body.get(i + 1..).unwrap_or(""))),
            '\\' => match chars.next() {
                Some((_, e @ ('\\' | '`' | '$'))) => out.push(e),
                _ => return Err(bad("an escape rolecall does not write in the ARN")),
            },
            '$' if body.get(i..).is_some_and(|r| r.starts_with(ACCOUNT)) => {
                out.push_str(account);
                for _ in 1..ACCOUNT.len() {
                    chars.next();
                }
            }
            '$' => {
                return Err(bad(format!(
                    "the ARN interpolates something other than {ACCOUNT}"
                )))
            }
            c => out.push(c),
        }
    }
    Err(bad("the ARN's template literal is not closed"))
}

/// The IAM JSON policy CDK synthesizes from a snippet `render` wrote, with `account` standing
/// for `cdk.Aws.ACCOUNT_ID`.
pub fn read(text: &str, account: &str) -> Result<String, GenerateError> {
    let (_, call) = text
        .split_once(CALL)
        .ok_or_else(|| bad(format!("no `{CALL}`")))?;
    let call = call.trim_start();
    let (federated, rest) = if call.starts_with('`') {
        template(call, account)?
    } else {
        match json_value(call)? {
            (Value::String(s), rest) => (s, rest),
            _ => return Err(bad("the federated principal is not a string")),
        }
    };
    let (conditions, rest) = json_value(expect(rest, ',')?)?;
    if !conditions.is_object() {
        return Err(bad("the conditions are not a JSON object"));
    }
    let (action, rest) = json_value(expect(rest, ',')?)?;
    let Value::String(action) = action else {
        return Err(bad("the action is not a string"));
    };
    let rest = rest.trim_start();
    let rest = rest.strip_prefix(',').unwrap_or(rest);
    let rest = expect(rest, ')')?;
    let role = rest
        .split_once("new iam.Role(")
        .map(|(_, r)| r)
        .ok_or_else(|| bad("no `new iam.Role(`"))?;
    let actions = if role.contains("assumedBy: principal.withSessionTags()") {
        json!([action, "sts:TagSession"])
    } else if role.contains("assumedBy: principal }") {
        json!(action)
    } else {
        return Err(bad("the role is not assumed by the principal"));
    };
    let doc = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": federated},
            "Action": actions,
            "Condition": conditions,
        }],
    });
    Ok(doc.to_string())
}
