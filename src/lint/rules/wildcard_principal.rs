//! `"Principal": "*"` or `{"AWS": "*"}` in an Allow of `sts:AssumeRoleWithWebIdentity`: the
//! statement names no provider, so a token of any provider the account trusts (and, read the
//! safe way, any web identity at all) can assume the role unless the conditions stop it.

use serde_json::{Map, Value};

use crate::lint::context::{ProviderView, StatementView};
use crate::lint::witness;
use crate::lint::{LintContext, Report, Rule, Severity, Witness};
use crate::policy::{Loc, Principal, PrincipalKind};

pub const RULE: Rule = Rule {
    id: "wildcard-principal",
    summary:
        "`\"Principal\": \"*\"` or `{\"AWS\": \"*\"}` lets tokens of any provider assume the role",
    severity: Severity::Error,
    doc: include_str!("../../../rules/wildcard-principal.md"),
    check,
};

/// Callers that no policy means: a GitHub workflow of an outside owner, then a provider no
/// policy names.
const OUTSIDERS: &[(&str, &str, &str)] = &[
    (
        "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
        "a GitHub Actions workflow of owner `rolecall-outsider`",
        r#"{"sub": "repo:rolecall-outsider/app:ref:refs/heads/main",
            "repository": "rolecall-outsider/app", "repository_owner": "rolecall-outsider",
            "repository_id": "23456789", "repository_owner_id": "7654321"}"#,
    ),
    (
        "arn:aws:iam::111122223333:oidc-provider/oidc.rolecall-outsider.example",
        "a token of an unrelated provider (`oidc.rolecall-outsider.example`)",
        r#"{"sub": "rolecall-outsider"}"#,
    ),
];

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in ctx.statements.iter().filter(|v| v.allows_web_identity()) {
        let Some(loc) = wildcard(&view.statement.principal) else {
            continue;
        };
        let found = OUTSIDERS
            .iter()
            .find_map(|(principal, who, claims)| outsider(ctx, view, loc, principal, who, claims));
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
            Some(w) => {
                finding.message = format!(
                    "this statement trusts every principal: {} can assume the role",
                    w.who
                );
                finding = finding.witness(Some(w));
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

/// Run an outsider's token through the evaluator; the witness helpers build the request (base
/// claims, source IP) as for any provider.
fn outsider(
    ctx: &LintContext<'_>,
    view: &StatementView<'_>,
    loc: &Loc,
    principal: &str,
    who: &str,
    claims: &str,
) -> Option<Witness> {
    let extra: Map<String, Value> = serde_json::from_str(claims).ok()?;
    let provider = ProviderView::new(principal, loc, ctx.config);
    witness::with_claims(ctx, view, &provider, who, |base| base.extend(extra.clone()))
}
