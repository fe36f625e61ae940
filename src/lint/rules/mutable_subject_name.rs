//! A GitHub `sub` condition that names the owner and repository by name only (the classic
//! `repo:owner/repo:...` form, not `repo:owner@id/repo@id:...`) with no condition on the
//! immutable `repository_id` or `repository_owner_id`: a renamed or deleted owner or repository
//! name can be registered again by someone else, whose workflows then match.

use crate::lint::context::{claim_of, restricts};
use crate::lint::{LintContext, Report, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "mutable-subject-name",
    summary: "a GitHub `sub` pins owner and repository by name only: names can be re-registered",
    severity: Severity::Note,
    doc: include_str!("../../../rules/mutable-subject-name.md"),
    check,
};

/// Keys that pin the repository or its owner by an ID GitHub never reuses.
const ID_CLAIMS: &[&str] = &["repository_id", "repository_owner_id"];

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in ctx.statements.iter().filter(|v| v.allows_web_identity()) {
        for p in &view.providers {
            if p.profile.is_none_or(|pr| pr.id != "github") {
                continue;
            }
            let pinned_by_id = view.on_provider(p).any(|c| {
                restricts(c)
                    && claim_of(&c.key_lower, &p.prefix_lower)
                        .is_some_and(|claim| ID_CLAIMS.contains(&claim.as_str()))
            });
            if pinned_by_id {
                continue;
            }
            // Every value is judged: one name-only value is enough to be re-registered.
            let named: Vec<_> = view
                .on_claim(p, "sub")
                .filter(|c| restricts(c))
                .flat_map(|c| c.values.iter())
                .filter(|v| by_name(&v.raw))
                .collect();
            let Some(first) = named.first() else { continue };
            let more = match named.len() {
                1 => String::new(),
                2 => " (and 1 more value)".to_string(),
                n => format!(" (and {} more values)", n - 1),
            };
            let finding = report
                .finding(
                    &first.loc,
                    format!(
                        "`{}` names the owner and repository by name only{more}: if either is \
                         renamed or deleted, whoever registers the name next matches it",
                        first.raw
                    ),
                )
                .help(format!(
                    "use the immutable subject `repo:<owner>@<owner_id>/<repo>@<repo_id>:...`, or \
                     add a `StringEquals` condition on `{}:repository_id`",
                    p.prefix
                ));
            report.push(finding);
        }
    }
}

/// A classic subject: `repo:<owner>/<repo>` with a named owner and no `@<id>`.
fn by_name(raw: &str) -> bool {
    let Some(rest) = raw.strip_prefix("repo:") else {
        return false;
    };
    let owner_repo = rest.split(':').next().unwrap_or_default();
    let owner = owner_repo.split('/').next().unwrap_or_default();
    owner_repo.contains('/')
        && !owner_repo.contains('@')
        && owner.chars().any(|c| c != '*' && c != '?')
}
