//! `"Principal": "*"` or `{"AWS": "*"}` in an Allow of an assume-role action.
//!
//! For `sts:AssumeRoleWithWebIdentity` the statement names no provider, so a token of any
//! provider the account trusts (and, read the safe way, any web identity at all) can assume the
//! role unless the conditions stop it; the evaluator confirms an outsider's token.
//!
//! For `sts:AssumeRole` (and `sts:AssumeRoleWithSAML`) every IAM principal of every AWS account
//! can call the action, unless a condition bounds who the caller is: an organization, account
//! or principal ARN (`aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`, ...)
//! under a positive operator whose every value names one. The evaluator models only web
//! identity requests, so these findings carry no witness.

use serde_json::Value;

use crate::lint::context::StatementView;
use crate::lint::model_token::{self, Query};
use crate::lint::{LintContext, Report, Rule, Severity, Witness};
use crate::model::Sight;
use crate::pattern::Token;
use crate::policy::{
    Condition, Effect, Family, Loc, Piece, Principal, PrincipalKind, SetQualifier, Statement, Typed,
};
use crate::providers::Role;
use crate::request::key_prefix;

pub const RULE: Rule = Rule {
    id: "wildcard-principal",
    summary: "`\"Principal\": \"*\"` or `{\"AWS\": \"*\"}` lets any provider's tokens, or any AWS account, assume the role",
    severity: Severity::Error,
    doc: include_str!("../../../rules/wildcard-principal.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

/// The caller the model stands for every provider no condition names by.
const STRANGER: &str = "stranger.rolecall.invalid";
const GITHUB: &str = "token.actions.githubusercontent.com";

const ASSUME_ROLE: &str = "sts:AssumeRole";
const ASSUME_ROLE_WITH_SAML: &str = "sts:AssumeRoleWithSAML";

/// What a key bounds when its values name one organization, account or resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bound {
    /// An organization ID (`o-a1b2c3d4e5`).
    Org,
    /// Organization paths (`o-a1b2c3d4e5/r-ab12/ou-.../`): bounded by the leading org ID.
    OrgPath,
    /// A 12-digit account ID.
    Account,
    /// An ARN: bounded by its account part (or, for ARNs without one, its whole resource).
    Arn,
}

/// Condition keys that say who the caller is (lowercased), and what their values bound.
const IDENTITY_KEYS: &[(&str, Bound)] = &[
    ("aws:principalorgid", Bound::Org),
    ("aws:principalorgpaths", Bound::OrgPath),
    ("aws:principalaccount", Bound::Account),
    ("aws:principalarn", Bound::Arn),
    ("aws:sourceorgid", Bound::Org),
    ("aws:sourceorgpaths", Bound::OrgPath),
    ("aws:sourceaccount", Bound::Account),
    ("aws:sourcearn", Bound::Arn),
];

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in &ctx.statements {
        if view.statement.effect != Effect::Allow {
            continue;
        }
        let Some(loc) = wildcard(&view.statement.principal) else {
            continue;
        };
        let open = open_actions(ctx, view.statement);
        if view.allows_web_identity() {
            web_identity(ctx, view, loc, &open, report);
        } else if !open.is_empty() {
            assume_role(view.statement, loc, &open, report);
        }
    }
}

/// The actions other than web identity (`sts:AssumeRole`, `sts:AssumeRoleWithSAML`) that the
/// statement grants to callers no condition, and no Deny, keeps out.
fn open_actions(ctx: &LintContext<'_>, s: &Statement) -> Vec<&'static str> {
    [ASSUME_ROLE, ASSUME_ROLE_WITH_SAML]
        .into_iter()
        .filter(|a| s.action.applies_to(a))
        .filter(|a| !s.conditions.iter().any(|c| closes(c, a)))
        .filter(|a| !denied_outside(ctx, a))
        .collect()
}

/// A wildcard principal in an Allow of `sts:AssumeRoleWithWebIdentity`: judged by the
/// evaluator with the tokens of outsiders.
fn web_identity(
    ctx: &LintContext<'_>,
    view: &StatementView<'_>,
    loc: &Loc,
    open: &[&str],
    report: &mut Report,
) {
    let (found, note) = match outsider(ctx, view) {
        Ok(w) => (w, String::new()),
        Err(why) => (None, format!("; {}", model_token::unconfirmed(&why))),
    };
    let mut finding = report.finding(
        loc,
        "this statement trusts every principal: tokens of any web identity provider the \
         account trusts can assume the role",
    );
    finding = finding.help(
        "name the provider in `\"Principal\": { \"Federated\": \"arn:aws:iam::<account>:\
         oidc-provider/<issuer>\" }` and keep the `sub` condition",
    );
    match found {
        None if !note.is_empty() => finding.message.push_str(&note),
        Some(w) => {
            finding.message = format!(
                "this statement trusts every principal: {} can assume the role",
                w.who
            );
            if open.contains(&ASSUME_ROLE) {
                finding.message.push_str(&format!(
                    ", and so can any IAM user or role of any AWS account through \
                     `{ASSUME_ROLE}`"
                ));
            }
            finding = finding.witness(Some(w));
        }
        None if !open.is_empty() => {
            // The conditions keep web identity to one provider's tokens, but not the other
            // assume-role actions the statement grants.
            assume_role(view.statement, loc, open, report);
            return;
        }
        None => {
            // The conditions keep it to one provider's tokens: IAM Access Analyzer still
            // rejects the wildcard, but nobody outside gets in.
            finding.severity = Severity::Note;
            finding.message = "this statement trusts every principal; its conditions keep \
                               it to one provider's tokens, but IAM Access Analyzer rejects \
                               a wildcard principal in a trust policy"
                .to_string();
        }
    }
    report.push(finding);
}

/// A wildcard principal in an Allow of `sts:AssumeRole` or `sts:AssumeRoleWithSAML` that
/// leaves `open` to every caller. No witness: the evaluator models web identity requests only.
fn assume_role(s: &Statement, loc: &Loc, open: &[&str], report: &mut Report) {
    let Some(&first) = open.first() else {
        return;
    };
    let mut message = if first == ASSUME_ROLE {
        format!(
            "this statement trusts every principal: any IAM user or role of any AWS account \
             can call `{ASSUME_ROLE}` on this role, and no condition bounds the caller's \
             organization, account or ARN"
        )
    } else {
        format!(
            "this statement trusts every principal: users of every SAML provider the account \
             trusts, now or later, can call `{ASSUME_ROLE_WITH_SAML}` on this role"
        )
    };
    if let Some(c) = s
        .conditions
        .iter()
        .find(|c| c.key_lower == "sts:externalid")
    {
        if c.operator.set.is_none() && !c.operator.base.is_negated() {
            message.push_str(
                "; `sts:ExternalId` is a secret the caller presents, not a bound on who the \
                 caller is",
            );
        }
    }
    let mut finding = report.finding(loc, message).help(
        "name the accounts or roles in `\"Principal\": { \"AWS\": \"arn:aws:iam::<account>:role/<name>\" }`, \
         or keep `*` and add `\"StringEquals\": { \"aws:PrincipalOrgID\": \"o-<your organization>\" }`",
    );
    for c in &s.conditions {
        if let Some(why) = why_not_limiting(c) {
            finding = finding.related(c.key_loc.clone(), why);
        }
    }
    report.push(finding);
}

/// The wildcard entry, if the principal has one.
fn wildcard(p: &Principal) -> Option<&Loc> {
    match p {
        Principal::Everyone(loc) => Some(loc),
        Principal::Entries(entries, _) => entries
            .iter()
            .find(|e| e.kind == PrincipalKind::Aws && e.value == "*")
            .map(|e| &e.loc),
    }
}

/// An outsider's token the model admits: a GitHub workflow of an owner no condition names,
/// then a token of a provider no condition names (the model's stranger).
fn outsider(
    ctx: &LintContext<'_>,
    view: &StatementView<'_>,
) -> Result<Option<Witness>, model_token::Refusal> {
    let of = |prefix: &'static str| move |s: &Sight<'_>| key_prefix(s.principal) == prefix;
    let tenants = |s: &Sight<'_>| {
        let fields: Vec<usize> = s
            .form
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.role == Some(Role::Tenant))
            .map(|(i, _)| i)
            .collect();
        (!fields.is_empty() && fields.iter().all(|&i| s.fresh(i))).then_some(fields)
    };
    let owner = |w: &crate::model::Witness| match w.claims.get("repository_owner") {
        Some(Value::String(owner)) => format!("a GitHub Actions workflow of owner `{owner}`"),
        _ => "a GitHub Actions workflow".to_string(),
    };
    let github = Query::any("").pick(&tenants).described_with(&owner);
    if let Some(w) = model_token::first_token(ctx, view, &of(GITHUB), &github)? {
        return Ok(Some(w));
    }
    let who = format!("a token of an unrelated provider (`{STRANGER}`)");
    let stranger = Query::any(&who);
    if let Some(w) = model_token::first_token(ctx, view, &of(STRANGER), &stranger)? {
        return Ok(Some(w));
    }
    Ok(None)
}

/// Does this Allow condition keep callers of `action` out, whoever they are? Either it bounds
/// the caller's identity, or it tests (positively) a key such a request never carries: a web
/// identity provider's claim under `sts:AssumeRole`, so the statement never applies.
fn closes(c: &Condition, action: &str) -> bool {
    if limits(c) {
        return true;
    }
    let positive = c.operator.set != Some(SetQualifier::ForAllValues)
        && !c.operator.if_exists
        && !c.operator.base.is_negated()
        && c.operator.base.family() != Family::Null;
    let namespace = c.key_lower.split_once(':').map_or("", |(ns, _)| ns);
    let present = match namespace {
        "aws" | "sts" => true,
        "saml" => action == ASSUME_ROLE_WITH_SAML,
        _ => false,
    };
    positive && !present
}

/// A condition that bounds the caller to one organization, account or principal: an identity
/// key under a positive operator (no `IfExists`, no `ForAllValues:`, which hold when the key is
/// absent) whose every value names one.
fn limits(c: &Condition) -> bool {
    let Some(bound) = identity_key(c) else {
        return false;
    };
    c.operator.set != Some(SetQualifier::ForAllValues)
        && !c.operator.if_exists
        && !c.operator.base.is_negated()
        && !c.values.is_empty()
        && c.values.iter().all(|v| bounded(&v.typed, bound))
}

/// Why a condition on an identity key does not bound the caller, for a related label.
fn why_not_limiting(c: &Condition) -> Option<String> {
    let bound = identity_key(c)?;
    let key = &c.key;
    let op = c.operator.name();
    if c.operator.base.is_negated() {
        Some(format!(
            "`{op}` on `{key}` admits every caller outside the listed values"
        ))
    } else if c.operator.if_exists {
        Some(format!(
            "`{op}` holds for a caller whose request has no `{key}`"
        ))
    } else if c.operator.set == Some(SetQualifier::ForAllValues) {
        Some(format!(
            "`ForAllValues:` holds for a caller whose request has no `{key}`"
        ))
    } else if !matches!(c.operator.base.family(), Family::String | Family::Arn)
        || c.values.iter().all(|v| bounded(&v.typed, bound))
    {
        None
    } else {
        Some(format!(
            "a value of `{key}` admits any {}",
            match bound {
                Bound::Org | Bound::OrgPath => "organization",
                Bound::Account | Bound::Arn => "account",
            }
        ))
    }
}

fn identity_key(c: &Condition) -> Option<Bound> {
    IDENTITY_KEYS
        .iter()
        .find(|(k, _)| *k == c.key_lower)
        .map(|&(_, b)| b)
}

/// Does this value admit only callers of one organization, account or resource? Variables
/// count as wildcards (`${aws:PrincipalAccount}` would admit every caller).
fn bounded(t: &Typed, bound: Bound) -> bool {
    let pieces = match t {
        Typed::String(p) => &p.pieces,
        Typed::Arn(p) => &p.pieces,
        _ => return false,
    };
    // The literal text before the first wildcard or variable, and whether there is one.
    let mut head = String::new();
    let mut open = false;
    for p in pieces {
        match p {
            Piece::Token(Token::Literal(s)) => head.push_str(s),
            Piece::Token(Token::Star | Token::Question) | Piece::Var(_) => {
                open = true;
                break;
            }
        }
    }
    match bound {
        Bound::Org | Bound::Account => !open && !head.is_empty(),
        // `o-a1b2c3d4e5/*` stays inside the organization.
        Bound::OrgPath => !head.is_empty() && (!open || head.contains('/')),
        Bound::Arn => {
            // arn:partition:service:region:account:resource
            let parts: Vec<&str> = head.splitn(6, ':').collect();
            match parts.as_slice() {
                ["arn", _, _, _, account, _] if !account.is_empty() => true,
                // No account part (an S3 bucket): the whole resource must be literal.
                ["arn", _, _, _, "", resource] => !open && !resource.is_empty(),
                _ => false,
            }
        }
    }
}

/// Does some Deny statement turn away every caller of `action` outside one organization,
/// account or principal? Its principal is everyone, and every condition is a negated identity
/// bound (`StringNotEquals aws:PrincipalOrgID o-...`), so it applies to anyone outside.
fn denied_outside(ctx: &LintContext<'_>, action: &str) -> bool {
    ctx.policy.statements.iter().any(|d| {
        d.effect == Effect::Deny
            && wildcard(&d.principal).is_some()
            && d.action.applies_to(action)
            && !d.conditions.is_empty()
            && d.conditions.iter().all(|c| {
                identity_key(c).is_some_and(|bound| {
                    c.operator.base.is_negated()
                        && c.operator.set.is_none()
                        && !c.values.is_empty()
                        && c.values.iter().all(|v| bounded(&v.typed, bound))
                })
            })
    })
}
