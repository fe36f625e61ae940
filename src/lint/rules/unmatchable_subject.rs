//! A `sub` value no token of the provider can carry: the value's shape does not fit the
//! provider's documented subject grammar (an environment name where Bitbucket puts a UUID, a
//! missing `run_phase`, `system:serviceaccounts:` for EKS). The condition then never holds for
//! that value and, when every value is like that, the statement never applies: the role is
//! locked and the intent hidden.
//!
//! Providers whose subject has one documented, fixed grammar are judged against it. GitHub and
//! GitLab, whose subject a repository or project can reconfigure, are judged against their
//! classic format, the documented custom templates and the templates declared in
//! `rolecall.toml` (not the ones read off the value itself): a value that fits none of them is
//! flagged, and the message names the template to declare if the repository really uses one.
//! Jenkins (claim templates) and the providers whose format is inferred are not judged. The
//! decision is exact (see `lint::shape`): a value is flagged only when no string matches both
//! it and a form of the grammar.

use crate::lint::context::restricts;
use crate::lint::shape::{self, Glob};
use crate::lint::{LintContext, Report, Rule, Severity};
use crate::policy::{Base, Typed};
use crate::providers::Profile;

pub const RULE: Rule = Rule {
    id: "unmatchable-subject",
    summary: "the `sub` value does not fit the provider's subject format: no token ever matches it",
    severity: Severity::Warning,
    doc: include_str!("../../../rules/unmatchable-subject.md"),
    check,
    fix: crate::lint::fix::Fix::Suggestion(crate::lint::fix::unmatchable_subject),
};

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in &ctx.statements {
        for provider in &view.providers {
            // The declared profile, without the templates read off this statement's values.
            let Some(profile) = ctx
                .config
                .resolve(provider.prefix)
                .map(|(profile, _)| profile)
                .or(provider.profile)
            else {
                continue;
            };
            if !profile.grammar.complete {
                continue;
            }
            for c in view.on_claim(provider, "sub").filter(|c| restricts(c)) {
                let fold = c.operator.base.ignores_case();
                let forms: Vec<std::rc::Rc<[Glob]>> = profile
                    .subject
                    .iter()
                    .map(|f| shape::of_form(f, fold, profile.grammar.separator_free))
                    .collect();
                // A wildcard under an exact operator is its own rule's finding.
                let exact = matches!(
                    c.operator.base,
                    Base::StringEquals | Base::StringEqualsIgnoreCase
                );
                let dead: Vec<_> = c
                    .values
                    .iter()
                    .filter(|v| !(exact && v.raw.contains(['*', '?'])))
                    .filter(|v| match &v.typed {
                        // Undecided (very long) counts as a possible match.
                        Typed::String(p) => {
                            let value = shape::of_value(p);
                            forms
                                .iter()
                                .all(|f| shape::intersects(&value, f) == Some(false))
                        }
                        _ => false,
                    })
                    .collect();
                let locked = dead.len() == c.values.len();
                let example = profile
                    .subject
                    .first()
                    .map(|f| f.render(|_, field| field.example.to_string()))
                    .unwrap_or_default();
                for v in dead {
                    let consequence = if locked {
                        "the condition never holds, so this statement never lets anyone in"
                    } else {
                        "this value never matches"
                    };
                    let forms = profile
                        .grammar
                        .forms_words
                        .unwrap_or("the provider's subject forms, so");
                    let finding = report
                        .finding(
                            &v.loc,
                            format!(
                                "no {} token has a `sub` like `{}`: it fits none of {forms} \
                                 {consequence}",
                                profile.name, v.raw
                            ),
                        )
                        .related(c.key_loc.clone(), "the `sub` condition")
                        .help(help(profile, provider.prefix, &v.raw, &example));
                    report.push(finding);
                }
            }
        }
    }
}

/// How to fix the value: the template to declare when it reads as GitHub `key:value` pairs of
/// real claim names, else the provider's format.
fn help(profile: &Profile, prefix: &str, raw: &str, example: &str) -> String {
    if profile.grammar.custom_templates {
        // `repo:<owner>/<repo>` alone is what a template of just `repo` renders; the template
        // inference leaves it out because it also reads as the classic format cut short.
        let repo_only = raw
            .strip_prefix("repo:")
            .is_some_and(|r| !r.is_empty() && !r.contains(':'))
            .then(|| vec!["repo".to_string()]);
        let inferred = crate::providers::github_templates_of(raw)
            .into_iter()
            .next();
        if let Some(keys) = inferred.or(repo_only) {
            let keys: Vec<String> = keys.iter().map(|k| format!("\"{k}\"")).collect();
            return format!(
                "if the repository uses a custom subject template, declare it in \
                 rolecall.toml:\n[[provider]]\nkind = \"{kind}\"\nissuer = \"{prefix}\"\n\
                 include_claim_keys = [{}]\notherwise write the value as `repo:<owner>/<repo>:` \
                 and one context, e.g. `{example}`",
                keys.join(", "),
                kind = profile.id
            );
        }
    }
    if let Some(h) = profile.grammar.format_help {
        return h.replace("{example}", example);
    }
    format!("write the value in the provider's format, e.g. `{example}`")
}
