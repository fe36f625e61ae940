//! The four output forms. Every string goes through a JSON string encoder, whose output is
//! also a valid YAML double-quoted scalar, HCL string and TypeScript string for the ASCII
//! names the scopes allow.

use std::collections::BTreeMap;

use super::{Compare, Generated};

/// An output form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// IAM JSON, 2-space indent.
    Json,
    /// A CloudFormation YAML template with one `AWS::IAM::Role`; the account is `!Sub`.
    CloudFormation,
    /// Terraform: a `data "aws_iam_policy_document"` and the `aws_iam_role`.
    Terraform,
    /// An AWS CDK (TypeScript) snippet building the role.
    Cdk,
}

pub(super) fn render(g: &Generated, format: Format) -> String {
    match format {
        Format::Json => json(g),
        Format::CloudFormation => cloudformation(g),
        Format::Terraform => terraform(g),
        Format::Cdk => super::cdk::render(g),
    }
}

pub(super) fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// Operator -> [(key, values)], `StringEquals` before `StringLike`.
pub(super) fn blocks(g: &Generated) -> BTreeMap<Compare, Vec<(String, &[String])>> {
    let mut out: BTreeMap<Compare, Vec<(String, &[String])>> = BTreeMap::new();
    for c in &g.conditions {
        out.entry(c.compare)
            .or_default()
            .push((format!("{}:{}", g.issuer, c.claim), c.values.as_slice()));
    }
    out
}

/// One value as a string, several as a flow list (`["a", "b"]`: JSON, YAML and HCL alike).
fn value_list(values: &[String], quote: fn(&str) -> String) -> String {
    match values {
        [one] => quote(one),
        many => format!(
            "[{}]",
            many.iter().map(|v| quote(v)).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn json(g: &Generated) -> String {
    let actions = g.actions();
    let action = match actions.as_slice() {
        [one] => q(one),
        many => format!(
            "[{}]",
            many.iter().map(|a| q(a)).collect::<Vec<_>>().join(", ")
        ),
    };
    let blocks: Vec<String> = blocks(g)
        .into_iter()
        .map(|(op, keys)| {
            let keys: Vec<String> = keys
                .iter()
                .map(|(k, v)| format!("          {}: {}", q(k), value_list(v, q)))
                .collect();
            format!(
                "        {}: {{\n{}\n        }}",
                q(op.operator()),
                keys.join(",\n")
            )
        })
        .collect();
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Effect\": \"Allow\",\n      \
         \"Principal\": {{\n        \"Federated\": {}\n      }},\n      \"Action\": {action},\n      \
         \"Condition\": {{\n{}\n      }}\n    }}\n  ]\n}}\n",
        q(&g.principal()),
        blocks.join(",\n")
    )
}

fn cloudformation(g: &Generated) -> String {
    let mut s = String::new();
    s.push_str("AWSTemplateFormatVersion: \"2010-09-09\"\n");
    s.push_str(&format!(
        "Description: {}\n",
        q(&format!("Role for {}", g.description))
    ));
    s.push_str("Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n");
    s.push_str("      AssumeRolePolicyDocument:\n        Version: \"2012-10-17\"\n");
    s.push_str("        Statement:\n          - Effect: Allow\n            Principal:\n");
    if g.builtin {
        s.push_str(&format!("              Federated: {}\n", q(&g.issuer)));
    } else {
        s.push_str(&format!(
            "              Federated: !Sub {}\n",
            q(&format!(
                "arn:aws:iam::${{AWS::AccountId}}:oidc-provider/{}",
                g.issuer
            ))
        ));
    }
    s.push_str("            Action:\n");
    for a in g.actions() {
        s.push_str(&format!("              - {a}\n"));
    }
    s.push_str("            Condition:\n");
    for (op, keys) in blocks(g) {
        s.push_str(&format!("              {}:\n", op.operator()));
        for (k, v) in keys {
            s.push_str(&format!(
                "                {}: {}\n",
                q(&k),
                value_list(v, q)
            ));
        }
    }
    s
}

/// An HCL string: `%{` would open a template directive (`$` never reaches here).
fn hcl(s: &str) -> String {
    q(s).replace("%{", "%%{")
}

fn terraform(g: &Generated) -> String {
    let mut s = String::new();
    if !g.builtin {
        s.push_str("data \"aws_caller_identity\" \"current\" {}\n\n");
    }
    s.push_str(
        "data \"aws_iam_policy_document\" \"trust\" {\n  statement {\n    effect  = \"Allow\"\n",
    );
    let actions: Vec<String> = g.actions().iter().map(|a| q(a)).collect();
    s.push_str(&format!("    actions = [{}]\n\n", actions.join(", ")));
    s.push_str("    principals {\n      type        = \"Federated\"\n");
    let federated = if g.builtin {
        hcl(&g.issuer)
    } else {
        hcl(&format!(
            "arn:aws:iam::${{data.aws_caller_identity.current.account_id}}:oidc-provider/{}",
            g.issuer
        ))
    };
    s.push_str(&format!("      identifiers = [{federated}]\n    }}\n"));
    for c in &g.conditions {
        s.push_str(&format!(
            "\n    condition {{\n      test     = {}\n      variable = {}\n      values   = [{}]\n    }}\n",
            q(c.compare.operator()),
            hcl(&format!("{}:{}", g.issuer, c.claim)),
            c.values.iter().map(|v| hcl(v)).collect::<Vec<_>>().join(", ")
        ));
    }
    s.push_str("  }\n}\n\n");
    s.push_str(
        "resource \"aws_iam_role\" \"role\" {\n  name               = \"rolecall-generated\"\n",
    );
    s.push_str("  assume_role_policy = data.aws_iam_policy_document.trust.json\n}\n");
    s
}
