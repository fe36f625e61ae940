//! An `AWS` or `Service` principal value that is none of the forms AWS documents for the
//! `Principal` element, so no caller ever matches it: an `AWS` value that is not `*`, a
//! 12-digit account ID, `arn:<partition>:iam::<account>:root`, an IAM user or role ARN, or an
//! STS assumed-role or federated-user session ARN; or a `Service` value that is not a
//! lowercase DNS name such as `ec2.amazonaws.com`.
//!
//! A unique ID (`AROA…`, `AIDA…`) is reported too: IAM shows one in place of a role or user
//! ARN once that role or user has been deleted, and it never matches the recreated one.
//!
//! This is a lint finding, not a parse error: AWS documents the accepted forms but not that
//! IAM refuses others (observed, it does, and it also refuses well-formed ARNs of principals
//! that do not exist, which no offline check can tell), and the evaluator never matches an
//! `AWS` or `Service` entry against a web identity caller anyway (R2.5).

use crate::lint::{LintContext, Report, Rule, Severity};
use crate::policy::{Principal, PrincipalKind};

pub const RULE: Rule = Rule {
    id: "malformed-principal",
    summary:
        "an `AWS` or `Service` principal is not a form AWS documents: no caller ever matches it",
    severity: Severity::Warning,
    doc: include_str!("../../../rules/malformed-principal.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in &ctx.statements {
        let Principal::Entries(entries, _) = &view.statement.principal else {
            continue;
        };
        for e in entries {
            let problem = match e.kind {
                PrincipalKind::Aws => aws_problem(&e.value),
                PrincipalKind::Service => service_problem(&e.value),
                PrincipalKind::Federated | PrincipalKind::CanonicalUser => None,
            };
            let Some((why, help)) = problem else {
                continue;
            };
            let message = match unique_id_kind(&e.value).filter(|_| e.kind == PrincipalKind::Aws) {
                Some(kind) => format!(
                    "`{}` is the unique ID of a deleted {kind}: {why}; no caller ever matches it",
                    e.value
                ),
                None => format!(
                    "`{}` is not a valid `{}` principal: {why}; no caller ever matches it",
                    e.value,
                    e.kind.as_str()
                ),
            };
            report.push(report.finding(&e.loc, message).help(help));
        }
    }
}

const AWS_HELP: &str = "use a 12-digit account ID, `arn:aws:iam::<account>:root`, \
                        `arn:aws:iam::<account>:role/<name>` or `arn:aws:iam::<account>:user/<name>`";

/// Why an `AWS` principal value is malformed, and how to fix it; `None` when it is fine.
fn aws_problem(value: &str) -> Option<(String, String)> {
    if value == "*" || is_account(value) {
        return None;
    }
    if let Some(kind) = unique_id_kind(value) {
        return Some((
            format!(
                "IAM shows a {kind}'s unique ID in place of its ARN once the {kind} is deleted, \
                 and a {kind} created again under the same name gets a new ID"
            ),
            format!("replace it with the ARN of the {kind} that should assume this role"),
        ));
    }
    let Some(rest) = value.strip_prefix("arn:") else {
        let why = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            "an account ID has exactly 12 digits".to_string()
        } else {
            "it is neither an account ID nor an ARN".to_string()
        };
        return Some((why, AWS_HELP.to_string()));
    };
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    let [partition, service, region, account, resource] = parts.as_slice() else {
        return Some((
            "an ARN has six `:`-separated parts".to_string(),
            AWS_HELP.to_string(),
        ));
    };
    let why = if !is_partition(partition) {
        format!("`{partition}` is not an AWS partition (`aws`, `aws-cn`, `aws-us-gov`, ...)")
    } else if *service != "iam" && *service != "sts" {
        format!("`{service}` ARNs are not principals: only `iam` and `sts` ARNs are")
    } else if !region.is_empty() {
        format!("`{service}` ARNs have no region, found `{region}`")
    } else if !is_account(account) {
        format!("the account part `{account}` is not a 12-digit account ID")
    } else if *service == "iam" {
        iam_resource(resource)?
    } else {
        sts_resource(resource)?
    };
    Some((why, AWS_HELP.to_string()))
}

/// What is wrong with the resource part of an `iam` principal ARN.
fn iam_resource(resource: &str) -> Option<String> {
    if resource == "root" {
        return None;
    }
    for (prefix, what) in [("user/", "user"), ("role/", "role")] {
        if let Some(path) = resource.strip_prefix(prefix) {
            return if path.split('/').all(is_name) {
                None
            } else if path.is_empty() {
                Some(format!("the {what} name after `{prefix}` is missing"))
            } else {
                Some(format!("`{path}` is not a valid {what} path and name"))
            };
        }
    }
    Some(format!(
        "`{resource}` is not `root`, `user/<name>` or `role/<name>`"
    ))
}

/// What is wrong with the resource part of an `sts` principal ARN.
fn sts_resource(resource: &str) -> Option<String> {
    if let Some(rest) = resource.strip_prefix("assumed-role/") {
        let parts: Vec<&str> = rest.split('/').collect();
        return match parts.as_slice() {
            [role, session] if is_name(role) && is_name(session) => None,
            _ => Some(format!(
                "`{resource}` is not `assumed-role/<role name>/<session name>`"
            )),
        };
    }
    if let Some(name) = resource.strip_prefix("federated-user/") {
        return if is_name(name) {
            None
        } else {
            Some(format!("`{name}` is not a valid federated user name"))
        };
    }
    Some(format!(
        "`{resource}` is not `assumed-role/<role>/<session>` or `federated-user/<name>`"
    ))
}

/// Why a `Service` principal value is malformed, and how to fix it; `None` when it is fine.
fn service_problem(value: &str) -> Option<(String, String)> {
    let help = "use the service's principal name, usually `<service>.amazonaws.com` in lowercase";
    let labels: Vec<&str> = value.split('.').collect();
    let dns = labels.iter().all(|l| {
        !l.is_empty()
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    });
    if dns && labels.len() >= 2 {
        if matches!(value, "amazonaws.com" | "amazon.com" | "amazonaws.com.cn") {
            return Some((
                "it names no service, only the domain".to_string(),
                help.to_string(),
            ));
        }
        return None;
    }
    if dns {
        return Some((
            "a service principal is a DNS name".to_string(),
            format!("did you mean `{value}.amazonaws.com`?"),
        ));
    }
    let why = if value.starts_with("arn:") {
        "a service principal is a DNS name, not an ARN".to_string()
    } else if value.bytes().any(|b| b.is_ascii_uppercase()) {
        "service principals are lowercase DNS names".to_string()
    } else {
        "it is not a DNS name".to_string()
    };
    let help = if value.bytes().any(|b| b.is_ascii_uppercase()) && !value.starts_with("arn:") {
        format!("did you mean `{}`?", value.to_ascii_lowercase())
    } else {
        help.to_string()
    };
    Some((why, help))
}

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// `aws`, or `aws-` followed by lowercase letters, digits and `-` (`aws-cn`, `aws-us-gov`,
/// `aws-iso-b`, ...).
fn is_partition(s: &str) -> bool {
    s == "aws"
        || s.strip_prefix("aws-").is_some_and(|r| {
            !r.is_empty()
                && r.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// An IAM name or path segment: letters, digits and `+=,.@_-`, 1 to 64 characters.
fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
}

/// `role` or `user` when the value looks like an IAM unique ID (`AROA…`, `AIDA…`).
fn unique_id_kind(s: &str) -> Option<&'static str> {
    let kind = if s.starts_with("AROA") {
        "role"
    } else if s.starts_with("AIDA") {
        "user"
    } else {
        return None;
    };
    (s.len() >= 16
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
    .then_some(kind)
}
