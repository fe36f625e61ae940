//! With a `[[scope]]` in the configuration whose path matches the policy's origin, an identity
//! the policy admits whose `sub` fields fall outside the declared values (another repository,
//! another environment). The declared scope is the owner's word for what the role is for, so
//! anything beyond it is an identity outside the intended scope: an error, with a witness.
//!
//! Decided exactly by the model ([`crate::model::outside`]): the declared values are classes
//! of their own, so every admitted identity is checked, not a sample. A policy the model
//! refuses gets no finding from this rule.

use std::collections::BTreeMap;

use super::{sub_value_loc, witness_sub};
use crate::lint::context::ProviderView;
use crate::lint::{LintContext, Report, Rule, Scope, Severity, Witness};
use crate::model::identity::{self, Form};
use crate::model::{self, Options};
use crate::pattern::Matcher;
use crate::providers::Profile;
use crate::request::key_prefix;

pub const RULE: Rule = Rule {
    id: "outside-declared-scope",
    summary: "the policy admits an identity outside the scope declared for it in `rolecall.toml`",
    severity: Severity::Error,
    doc: include_str!("../../../rules/outside-declared-scope.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for scope in ctx.config.scopes_for(ctx.origin) {
        let opts = Options {
            distinguish: scope
                .fields
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            declared: crate::lint::admitted::declared(ctx),
            ..Options::default()
        };
        // Per caller the policy names, computed once: the model asks per representative.
        let asked: BTreeMap<&str, Vec<String>> = ctx
            .statements
            .iter()
            .flat_map(|v| v.providers.iter())
            .map(|p| (p.principal, declared_fields(ctx, scope, p.principal)))
            .collect();
        let inside = |principal: &str, form: &Form, values: &[Option<&str>]| {
            let Some(fields) = asked.get(principal) else {
                return true;
            };
            fields.iter().all(|name| {
                let value = form
                    .fields
                    .iter()
                    .position(|f| f.name == name.as_str())
                    .and_then(|i| values.get(i).copied().flatten());
                value.is_some_and(|v| allowed(scope, name, v))
            })
        };
        // Exact or nothing: a refusal is no evidence either way.
        let Ok(found) = model::outside(ctx.policy, &opts, inside) else {
            continue;
        };
        // One finding per caller: the first identity form that leaves the scope.
        let mut reported: Vec<&str> = Vec::new();
        for w in &found.witnesses {
            if reported.contains(&w.principal.as_str()) {
                continue;
            }
            reported.push(&w.principal);
            report_witness(ctx, report, scope, w);
        }
    }
}

/// The declared fields the scope asks of this caller's tokens: those its provider's subject
/// grammar names. None when the scope is about another provider, when a declared field is
/// one the model does not render as a field (the caller is not judged on guesses), or when a
/// GitHub provider carries custom subject templates, which the model does not render.
fn declared_fields(ctx: &LintContext<'_>, scope: &Scope, principal: &str) -> Vec<String> {
    let Some(view) = provider_view(ctx, principal) else {
        return Vec::new();
    };
    let Some(profile) = view.profile else {
        return Vec::new();
    };
    let builtin = Profile::for_prefix(view.prefix).is_some_and(|b| std::ptr::eq(b, profile));
    if profile.grammar.custom_templates && !builtin {
        return Vec::new();
    }
    let fields: Vec<String> = scope
        .fields
        .keys()
        .filter(|name| {
            profile
                .subject
                .iter()
                .any(|f| f.fields().any(|x| x.name == name.as_str()))
        })
        .cloned()
        .collect();
    // A declared instance's tokens follow its kind's generated model, as `model::outside`
    // reads them (`Options::declared`).
    let prefix = key_prefix(principal);
    let declared = ctx
        .config
        .instances
        .iter()
        .find(|i| i.issuer == prefix)
        .map(|i| i.kind);
    let modelled = identity::for_prefix_as(prefix, declared);
    let renders = |name: &String| {
        modelled
            .forms
            .iter()
            .any(|f| f.fields.iter().any(|x| &x.name == name))
    };
    if fields.iter().all(renders) {
        fields
    } else {
        Vec::new()
    }
}

/// The first provider entry of the policy for this caller.
fn provider_view<'c>(ctx: &'c LintContext<'_>, principal: &str) -> Option<&'c ProviderView<'c>> {
    ctx.statements
        .iter()
        .flat_map(|v| v.providers.iter())
        .find(|p| p.principal == principal)
}

fn allowed(scope: &Scope, name: &str, value: &str) -> bool {
    scope
        .fields
        .get(name)
        .is_some_and(|pats| pats.iter().any(|a| Matcher::new(a).is_match(value)))
}

fn report_witness(ctx: &LintContext<'_>, report: &mut Report, scope: &Scope, w: &model::Witness) {
    let fields = declared_fields(ctx, scope, &w.principal);
    let sub = w
        .claims
        .get("sub")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string();
    // The statement that admits the witness, for the location of its `sub` value.
    let decision = crate::eval::evaluate(ctx.policy, &w.request());
    let admitting = decision
        .deciding_statement()
        .and_then(|t| ctx.statements.get(t.index));
    let Some((view, p)) = admitting.and_then(|v| {
        v.providers
            .iter()
            .find(|p| p.principal == w.principal)
            .map(|p| (v, p))
    }) else {
        return;
    };
    let loc = sub_value_loc(view, p, &sub);
    let declared: Vec<String> = fields
        .iter()
        .filter_map(|f| scope.fields.get(f).map(|v| format!("{f} = {v:?}")))
        .collect();
    let witness = Witness {
        claims: w.claims.clone(),
        source_ip: w.source_ip,
        principal: w.principal.clone(),
        who: describe(&fields, w),
    };
    let admitted = if sub.is_empty() {
        format!("a `{}` token", w.form)
    } else {
        format!("`{}`", witness_sub(&witness))
    };
    let finding = report
        .finding(
            &loc,
            format!(
                "{admitted} is admitted, but the scope declared for `{}` allows only {}",
                scope.path,
                declared.join(", ")
            ),
        )
        .help(
            "narrow the `sub` condition to the declared values, or correct the `[[scope]]` in \
             rolecall.toml",
        )
        .witness(Some(witness));
    report.push(finding);
}

/// Words for the witness: the declared fields it leaves.
fn describe(fields: &[String], w: &model::Witness) -> String {
    let parts: Vec<String> = fields
        .iter()
        .map(|name| {
            match w
                .fields
                .iter()
                .find(|(f, _)| f == name)
                .and_then(|(_, v)| v.as_ref())
            {
                Some(value) => format!("{name} `{value}`"),
                None => format!("no {name}"),
            }
        })
        .collect();
    let article = if w.form.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!(
        "{article} `{}` token with {}, outside the declared scope",
        w.form,
        parts.join(", ")
    )
}
