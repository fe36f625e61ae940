//! A policy whose statements allow `sts:AssumeRoleWithWebIdentity` for web identity providers,
//! yet no token of any provider it names can assume the role: the exact model
//! ([`crate::model::admits_anyone`]) admits nothing. Typical causes are conditions on two providers' keys
//! ANDed in one statement (a token carries one provider's keys only) and a Deny on a key every
//! token carries. A policy the model refuses (unsupported construct, too complex) gets no
//! finding: the rule reports only what the model decides.

use std::sync::LazyLock;

use crate::lint::admitted;
use crate::lint::context::StatementView;
use crate::lint::{LintContext, Report, Rule, Severity};
use crate::model::{admits_anyone, Admitted, Memo, ModelError, Options};
use crate::policy::{Effect, Loc, Policy};
use crate::providers::Profile;

pub const RULE: Rule = Rule {
    id: "unassumable-role",
    summary: "statements allow the web identity action, yet no token of any named provider can assume the role",
    severity: Severity::Warning,
    doc: include_str!("../../../rules/unassumable-role.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    let allowing: Vec<&StatementView<'_>> = ctx
        .statements
        .iter()
        .filter(|v| v.allows_web_identity() && !v.providers.is_empty())
        .collect();
    let Some(first) = allowing.first() else {
        // No statement lets a web identity provider in: `web-identity-action-missing` (or
        // nothing at all) is the precise story.
        return;
    };
    if custom_templates(&allowing) {
        return;
    }
    if admitted_by_breadth_answer(ctx, &allowing) {
        return;
    }
    // Decided by the model or not at all: a refusal is no evidence either way.
    let Ok(Admitted::NoOne { requests }) = admitted(ctx.policy) else {
        return;
    };
    if explained_elsewhere(ctx, &allowing) {
        return;
    }
    let mut providers: Vec<String> = allowing
        .iter()
        .flat_map(|v| v.providers.iter())
        .map(|p| match p.profile {
            Some(profile) => format!("{} (`{}`)", profile.name, p.prefix),
            None => format!("`{}`", p.prefix),
        })
        .collect();
    providers.sort();
    providers.dedup();
    let mut finding = report
        .finding(
            &first.statement.loc,
            format!(
                "no token of {} can assume this role: every statement that allows \
                 `sts:AssumeRoleWithWebIdentity` is unsatisfiable or overridden by a Deny \
                 ({} representative requests, every one refused)",
                providers.join(", "),
                requests
            ),
        )
        .help(
            "a token carries only its own provider's keys: give each provider a statement of \
             its own; a Deny must match only the tokens it is meant to refuse",
        );
    for (loc, label) in overriding_denies(ctx) {
        finding = finding.related(loc, label);
    }
    for view in allowing.iter().skip(1) {
        finding = finding.related(
            view.statement.loc.clone(),
            "also allows the web identity action, and admits no token either",
        );
    }
    report.push(finding);
}

/// Whether the breadth rules' model answer (cached per statement document, and worked out for
/// them anyway) already holds an admitted request of one allowing statement with the
/// policy's Deny statements. Such a request is allowed by the whole policy, so it proves the
/// role assumable exactly, without a second search of the whole policy.
fn admitted_by_breadth_answer(ctx: &LintContext<'_>, allowing: &[&StatementView<'_>]) -> bool {
    allowing.iter().any(|view| {
        view.providers.iter().any(|p| admitted::covers(view, p))
            && admitted::answer(ctx, view.index).is_some_and(
                |a| matches!(&*a, admitted::Answer::Decided(facts) if !facts.is_empty()),
            )
    })
}

/// [`admits_anyone`] once per distinct document in a process: an account deploys one trust
/// policy template to many roles, and equal canonical documents admit the same requests.
/// Bounded, so a long-running process does not grow without end.
fn admitted(policy: &Policy) -> Result<Admitted, ModelError> {
    static SEEN: LazyLock<Memo<Result<Admitted, ModelError>>> = LazyLock::new(|| Memo::new(4096));
    SEEN.get_or(policy.to_json().to_string(), || {
        admits_anyone(policy, &Options::default())
    })
}

/// The Deny statements without which some token could assume the role: each refuses every
/// token the Allow statements admit (decided by the model; a refusal names none).
fn overriding_denies(ctx: &LintContext<'_>) -> Vec<(Loc, &'static str)> {
    let policy = ctx.policy;
    let mut out = Vec::new();
    for (i, deny) in policy.statements.iter().enumerate() {
        if deny.effect != Effect::Deny {
            continue;
        }
        let without = Policy {
            version: policy.version,
            id: None,
            statements: policy
                .statements
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, s)| s.clone())
                .collect(),
            warnings: Vec::new(),
        };
        if admits_anyone(&without, &Options::default()) == Ok(Admitted::Someone) {
            out.push((
                deny.loc.clone(),
                "this Deny refuses every token the Allow statements admit",
            ));
        }
    }
    out
}

/// Rules that report, at the condition that causes it, a condition that never matches (and so
/// a statement that never applies): a key no provider of the statement has, a `sub` value no
/// token can carry, a claim AWS does not expose, a value the operator cannot read, a wildcard
/// an exact operator takes literally, a variable that never resolves.
const NEVER_MATCHES: &[&Rule] = &[
    &super::ineffective_condition_value::RULE,
    &super::key_prefix_mismatch::RULE,
    &super::unexposed_claim_condition::RULE,
    &super::unmatchable_subject::RULE,
    &super::unresolvable_policy_variable::RULE,
    &super::wildcard_under_exact_operator::RULE,
];

/// Does every allowing statement already carry a warning of a [`NEVER_MATCHES`] rule? Then the
/// cause is reported precisely where it is, and saying "the role is unassumable" again adds
/// only noise.
fn explained_elsewhere(ctx: &LintContext<'_>, allowing: &[&StatementView<'_>]) -> bool {
    let mut found = Vec::new();
    for rule in NEVER_MATCHES {
        let mut report = Report {
            rule,
            findings: Vec::new(),
        };
        (rule.check)(ctx, &mut report);
        found.extend(
            report
                .findings
                .into_iter()
                .filter(|f| f.severity == Severity::Warning),
        );
    }
    allowing.iter().all(|view| {
        let within = format!("{}/", view.statement.loc.pointer);
        found.iter().any(|f| f.loc.pointer.starts_with(&within))
    })
}

/// Does a provider carry GitHub custom subject templates (declared in `rolecall.toml` or read
/// off the `sub` values)? The model renders the default subject forms only, so it cannot
/// decide such a policy exactly.
fn custom_templates(allowing: &[&StatementView<'_>]) -> bool {
    allowing.iter().flat_map(|v| v.providers.iter()).any(|p| {
        p.profile.is_some_and(|profile| {
            profile.grammar.custom_templates
                && !Profile::for_prefix(p.prefix).is_some_and(|b| std::ptr::eq(b, profile))
        })
    })
}
