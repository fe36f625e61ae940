//! A web identity trust with no condition on the provider's `sub` (nor any other claim that
//! identifies the caller): every identity the issuer serves can assume the role.

use crate::lint::context::{claim_of, restricts};
use crate::lint::model_token::{self, token_where, unconfirmed, Query, Refusal};
use crate::lint::{LintContext, Report, Rule, Severity};
use crate::providers::Role;

pub const RULE: Rule = Rule {
    id: "missing-subject-condition",
    summary: "no condition on `sub`: every identity of the provider (or of its tenant) can assume the role",
    severity: Severity::Warning,
    doc: include_str!("../../../rules/missing-subject-condition.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in ctx.statements.iter().filter(|v| v.allows_web_identity()) {
        for p in &view.providers {
            // Claims that name what runs, not who calls it, identify no caller either.
            let caller_free = |claim: &str| {
                p.profile.is_some_and(|pr| {
                    pr.caller_free_claims
                        .iter()
                        .any(|c| c.eq_ignore_ascii_case(claim))
                })
            };
            let identifies = view.on_provider(p).any(|c| {
                restricts(c)
                    && claim_of(&c.key_lower, &p.prefix_lower).is_some_and(|claim| {
                        claim != "aud" && claim != "oaud" && claim != "azp" && !caller_free(&claim)
                    })
            });
            let pinned_run: Option<&crate::policy::Condition> = view.on_provider(p).find(|c| {
                restricts(c)
                    && claim_of(&c.key_lower, &p.prefix_lower)
                        .is_some_and(|claim| caller_free(&claim))
            });
            let any_sub = view.on_claim(p, "sub").next().is_some();
            // A claim that looks identifying may still leave the caller free (GitHub's
            // `environment` is a name any repository can give one of its environments): where
            // the model covers the provider it decides; elsewhere a condition on an
            // identifying claim is taken as naming the caller.
            let covered = crate::lint::admitted::covers(view, p);
            if any_sub || (identifies && !covered) {
                continue;
            }
            let shared = p.is_shared();
            let found = if covered {
                on_the_model(ctx, view, p, shared)
            } else {
                // No subject forms (or no profile): `sub` is one free field, and the witness
                // any value of it the model admits.
                let free_sub = |sight: &crate::model::Sight<'_>| {
                    let fields = model_token::fields_of_claim(sight, "sub");
                    fields.iter().all(|&i| sight.fresh(i)).then_some(fields)
                };
                let q = Query::any("a token with any subject").pick(&free_sub);
                token_where(ctx, view, p, &q)
            };
            let (witness, note) = match found {
                Ok(Some(w)) => (Some(w), String::new()),
                Ok(None) => continue,
                // Refused by the model: a condition on an identifying claim may name the caller.
                Err(_) if identifies => continue,
                Err(why) => (None, format!("; {}", unconfirmed(&why))),
            };
            let name = p.profile.map_or("this provider", |pr| pr.name);
            let (severity, message) = if let Some(c) = pinned_run {
                // The called workflow may be public: then callers come from any owner.
                (
                    Severity::Warning,
                    format!(
                        "every repository that can call the workflow `{}` can assume this \
                         role (in any organization when that workflow's repository is public): \
                         `{}` names what runs, not who calls it, and there is no condition on \
                         `{}:sub`",
                        c.values.first().map_or("", |v| v.raw.as_str()),
                        c.key,
                        p.prefix
                    ),
                )
            } else if shared {
                (
                    Severity::Error,
                    format!(
                        "any {name} user can assume this role: there is no condition on \
                         `{}:sub`, and the issuer is shared by every customer",
                        p.prefix
                    ),
                )
            } else {
                (
                    Severity::Warning,
                    format!(
                        "any pipeline in the {unit} can assume this role: there is no condition \
                         on `{}:sub`",
                        p.prefix,
                        unit = p.tenant_unit()
                    ),
                )
            };
            let mut finding = report
                .finding(p.entry_loc, message)
                .help(format!(
                    "add a `StringLike` condition on `{}:sub` naming the repository (or \
                     project) that should deploy",
                    p.prefix
                ))
                .witness(witness);
            finding.message.push_str(&note);
            finding.severity = severity;
            if let Some(loc) = &view.statement.condition_loc {
                let label = if identifies {
                    "these conditions name no caller: any repository can present the values"
                } else {
                    "the conditions check only the audience"
                };
                finding = finding.related(loc.clone(), label);
            }
            report.push(finding);
        }
    }
}

/// The witness read off the model: an admitted identity of a tenant no condition names
/// (shared issuer), or of a project no condition names (per-tenant issuer), whatever workflow
/// it runs; `Ok(None)` when the model finds no such identity.
fn on_the_model(
    ctx: &LintContext<'_>,
    view: &crate::lint::StatementView<'_>,
    p: &crate::lint::ProviderView<'_>,
    shared: bool,
) -> Result<Option<crate::lint::Witness>, Refusal> {
    use crate::lint::admitted::{self, Answer};
    let Some(answer) = admitted::answer(ctx, view.index) else {
        return Ok(None);
    };
    let by_caller = match answer.as_ref() {
        Answer::Decided(by_caller) => by_caller,
        Answer::Refused(why) => return Err(Refusal::Model(why.clone())),
    };
    let caller = ctx.caller_for(&format!("https://{}", p.prefix));
    let Some(facts) = by_caller.get(p.principal).filter(|_| caller == p.principal) else {
        return Ok(None);
    };
    let (w, role) = if shared {
        (facts.other_tenant.witness.as_ref(), Role::Tenant)
    } else {
        match facts.other_project.witness.as_ref() {
            Some(w) => (Some(w), Role::Project),
            None => (facts.other_tenant.witness.as_ref(), Role::Tenant),
        }
    };
    Ok(w.map(|w| admitted::lint_witness(ctx, view.index, p, w, &[role])))
}
