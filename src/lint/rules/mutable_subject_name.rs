//! A `sub` condition that names the repository or project by name only, with no condition on
//! an immutable id: GitHub's classic `repo:owner/repo:...` (not `repo:owner@id/repo@id:...`)
//! without `repository_id`/`repository_owner_id`, GitLab's `project_path:group/project:...`
//! without `project_id`/`namespace_id` (gitlab.com, where AWS exposes them). A renamed, moved or
//! deleted name can be registered again by someone else, whose pipelines then match.

use crate::lint::context::{claim_of, restricts};
use crate::lint::{LintContext, Report, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "mutable-subject-name",
    summary: "a GitHub, GitLab or HCP Terraform `sub` pins the repository or project by name only: names can be re-registered",
    severity: Severity::Note,
    doc: include_str!("../../../rules/mutable-subject-name.md"),
    check,
    fix: crate::lint::fix::Fix::None,
};

/// What is judged per provider: the keys that pin by an ID the provider never reuses, how a
/// name-only value looks, and the words for the message.
struct Naming {
    profile: &'static str,
    id_claims: &'static [&'static str],
    by_name: fn(&str) -> bool,
    what: &'static str,
    fix: &'static str,
    id_key: &'static str,
}

const NAMINGS: &[Naming] = &[
    Naming {
        profile: "github",
        id_claims: &["repository_id", "repository_owner_id"],
        by_name: github_by_name,
        what: "the owner and repository",
        fix: "use the immutable subject `repo:<owner>@<owner_id>/<repo>@<repo_id>:...`, or add",
        id_key: "repository_id",
    },
    Naming {
        profile: "gitlab",
        id_claims: &["project_id", "namespace_id"],
        by_name: gitlab_by_name,
        what: "the group and project by path",
        fix: "add",
        id_key: "project_id",
    },
    // HCP Terraform's `sub` holds only display names, and AWS exposes no immutable id for it:
    // the note stands for the risk, with nothing to add.
    Naming {
        profile: "hcp-terraform",
        id_claims: &[],
        by_name: terraform_by_name,
        what: "the organization, project and workspace by display name",
        fix: "",
        id_key: "",
    },
];

fn check(ctx: &LintContext<'_>, report: &mut Report) {
    for view in ctx.statements.iter().filter(|v| v.allows_web_identity()) {
        for p in &view.providers {
            let Some(naming) = p
                .profile
                .and_then(|pr| NAMINGS.iter().find(|n| n.profile == pr.id))
            else {
                continue;
            };
            // Only where AWS lets a policy pin the id instead (gitlab.com, not self-managed).
            if !naming.id_key.is_empty() && !p.claims.exposes(naming.id_key) {
                continue;
            }
            let pinned_by_id = view.on_provider(p).any(|c| {
                restricts(c)
                    && claim_of(&c.key_lower, &p.prefix_lower)
                        .is_some_and(|claim| naming.id_claims.contains(&claim.as_str()))
            });
            if pinned_by_id {
                continue;
            }
            // Every value is judged: one name-only value is enough to be re-registered.
            let named: Vec<_> = view
                .on_claim(p, "sub")
                .filter(|c| restricts(c))
                .flat_map(|c| c.values.iter())
                .filter(|v| (naming.by_name)(&v.raw))
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
                        "`{}` names {} only{more}: if a name is changed or deleted, whoever \
                         registers it next matches",
                        first.raw, naming.what
                    ),
                )
                .help(if naming.id_key.is_empty() {
                    "AWS exposes no immutable id for this provider: keep the names from being \
                     given up (renamed or deleted) while this role trusts them"
                        .to_string()
                } else {
                    format!(
                        "{} a `StringEquals` condition on `{}:{}`",
                        naming.fix, p.prefix, naming.id_key
                    )
                });
            report.push(finding);
        }
    }
}

/// A GitLab subject with a named group: `project_path:<group>/...`.
fn gitlab_by_name(raw: &str) -> bool {
    raw.strip_prefix("project_path:")
        .and_then(|rest| rest.split('/').next())
        .is_some_and(|group| group.chars().any(|c| c != '*' && c != '?'))
}

/// A classic GitHub subject: `repo:<owner>/<repo>` with a named owner and no `@<id>`.
fn github_by_name(raw: &str) -> bool {
    let Some(rest) = raw.strip_prefix("repo:") else {
        return false;
    };
    let owner_repo = rest.split(':').next().unwrap_or_default();
    let owner = owner_repo.split('/').next().unwrap_or_default();
    owner_repo.contains('/')
        && !owner_repo.contains('@')
        && owner.chars().any(|c| c != '*' && c != '?')
}

/// An HCP Terraform subject with a named organization: `organization:<org>:...`.
fn terraform_by_name(raw: &str) -> bool {
    raw.strip_prefix("organization:")
        .and_then(|rest| rest.split(':').next())
        .is_some_and(|org| org.chars().any(|c| c != '*' && c != '?'))
}
