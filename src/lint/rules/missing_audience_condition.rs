//! An Allow for a web identity provider with no condition on the audience (`aud`; for Google
//! `aud` or `oaud`; for Facebook and Login with Amazon `app_id`), or only conditions that admit
//! every audience (`StringLike` with a `*` value), which are the same thing. For most providers AWS checks
//! `aud` against the IAM OIDC provider's client IDs, so this is hygiene; for Cognito identity
//! pools it is the tenant boundary: every pool in every AWS account mints tokens for the same
//! built-in provider. Issuers of one tenant (a Bitbucket workspace, a CircleCI organization)
//! are left alone: their audience names the same tenant as the issuer, so it adds nothing.

use crate::lint::context::{claim_of, ProviderView};
use crate::lint::model_token::{token_where, Query};
use crate::lint::{LintContext, Report, Rule, Severity};
use crate::pattern::Matcher;
use crate::policy::{CondValue, Condition, Typed};
use crate::providers::Tenancy;
use crate::request::ClaimSet;

pub const RULE: Rule = Rule {
    id: "missing-audience-condition",
    summary: "no condition on the token's audience, or one that admits every audience (for Cognito identity pools: any pool can assume the role)",
    severity: Severity::Note,
    doc: include_str!("../../../rules/missing-audience-condition.md"),
    check,
    fix: crate::lint::fix::Fix::Auto(crate::lint::fix::missing_audience_condition),
};

/// An identity pool no policy names.
const OTHER_POOL: &str = "us-east-1:0badc0de-0000-4000-8000-00000000beef";
const OTHER_IDENTITY: &str = "us-east-1:0badc0de-0000-4000-8000-0000000051de";

/// The claims that carry the audience, as AWS exposes them for the provider.
fn audience_claims(p: &ProviderView<'_>) -> &'static [&'static str] {
    match p.claims {
        ClaimSet::Google => &["aud", "oaud"],
        ClaimSet::Facebook | ClaimSet::Amazon => &["app_id"],
        _ => &["aud"],
    }
}

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in ctx.statements.iter().filter(|v| v.allows_web_identity()) {
        for p in &view.providers {
            if matches!(p.tenancy, Some(Tenancy::PerTenant { .. })) {
                continue;
            }
            let claims = audience_claims(p);
            let on_audience = || {
                view.on_provider(p).filter(|c| {
                    !c.operator.base.is_negated()
                        && claim_of(&c.key_lower, &p.prefix_lower)
                            .is_some_and(|claim| claims.contains(&claim.as_str()))
                })
            };
            if on_audience().any(|c| admits_any(c).is_none()) {
                continue;
            }
            // Every audience condition (if any) has a value that matches every audience.
            let open = on_audience().find_map(|c| admits_any(c).map(|v| (c, v)));
            let key = match open {
                Some((c, _)) => c.key.clone(),
                None => format!("{}:{}", p.prefix, claims.first().copied().unwrap_or("aud")),
            };
            let mut finding = match open {
                Some((c, v)) => report
                    .finding(
                        &v.loc,
                        format!(
                            "the condition on `{key}` admits every audience (`{}` under `{}`): \
                             the role does not say which audience it expects",
                            v.raw,
                            c.operator.name()
                        ),
                    )
                    .related(p.entry_loc.clone(), "for this provider"),
                None => report.finding(
                    p.entry_loc,
                    format!(
                        "no condition on `{key}`: the role does not say which audience it expects"
                    ),
                ),
            };
            finding = finding.help(format!(
                "add `\"StringEquals\": {{ \"{key}\": \"<the audience your pipeline requests>\" }}`"
            ));
            if p.claims == ClaimSet::Cognito {
                let who = format!("a token from another identity pool (`{OTHER_POOL}`)");
                // Another pool's token, for one of its identities: what Cognito issues to it.
                let other = |claims: &mut serde_json::Map<String, serde_json::Value>| {
                    claims.insert("aud".into(), OTHER_POOL.into());
                    claims.insert("sub".into(), OTHER_IDENTITY.into());
                };
                // Unconfirmed, the finding stays the structural warning, and says so.
                let w = match token_where(ctx, view, p, &Query::any(&who).edit(&other)) {
                    Ok(w) => w,
                    Err(why) => {
                        finding.message = format!(
                            "{}; {}",
                            finding.message,
                            crate::lint::model_token::unconfirmed(&why)
                        );
                        None
                    }
                };
                if w.is_some() {
                    finding.severity = Severity::Error;
                    let what = if open.is_some() {
                        format!("the condition on `{key}` admits every audience")
                    } else {
                        format!("no condition on `{key}`")
                    };
                    finding.message = format!(
                        "{what}: every Cognito identity pool, in any AWS account, mints tokens \
                         for this provider, so identities of other pools can assume the role"
                    );
                    finding = finding
                        .help(format!(
                            "add `\"StringEquals\": {{ \"{key}\": \"<your identity pool ID>\" }}`"
                        ))
                        .witness(w);
                }
            }
            report.push(finding);
        }
    }
}

/// The first value of a string condition that matches every audience: `*` (or `**`...) under
/// `StringLike`. Under `StringEquals` a `*` is a literal character and matches nothing.
fn admits_any(c: &Condition) -> Option<&CondValue> {
    c.values.iter().find(|v| match &v.typed {
        Typed::String(p) => matches!(p.compiled, Some(Matcher::Any)),
        _ => false,
    })
}
