//! GitHub Actions: a token is one job of one repository. Its fields are the owner and its id,
//! the repository and its id, the ref (or pull request, or environment), and the job's
//! audience, actor, workflow and reusable workflow; `sub` renders them in the default
//! `repo:{owner}/{repo}:{context}` form or the immutable
//! `repo:{owner}@{owner_id}/{repo}@{repo_id}:{context}` form, or a custom subject template's
//! (see [`super::github_custom`]).

use super::{CharClass, Domain, FieldSpec, Form, FormBuilder};
use crate::providers::Role;

fn head(name: &str, words: &str) -> FormBuilder {
    FormBuilder::new(name, words)
        .field(
            FieldSpec::new(
                "owner",
                Domain::Run(CharClass::Owner),
                "acme",
                "rolecall-outsider",
            )
            .role(Role::Tenant),
        )
        .field(
            FieldSpec::new(
                "owner_id",
                Domain::Run(CharClass::Digit),
                "1234567",
                "7654321",
            )
            .id()
            .role(Role::Tenant),
        )
        .field(
            FieldSpec::new(
                "repo",
                Domain::Run(CharClass::RepoName),
                "app",
                "rolecall-other-repo",
            )
            .role(Role::Project),
        )
        .field(
            FieldSpec::new(
                "repo_id",
                Domain::Run(CharClass::Digit),
                "98765432",
                "23456789",
            )
            .id()
            .role(Role::Project),
        )
}

/// `(form, words, sub context, extra field, claims)`.
struct Context {
    name: &'static str,
    words: &'static str,
    sub: &'static str,
    field: Option<FieldSpec>,
    claims: &'static [(&'static str, &'static str)],
    /// The ref the job runs on, as the `ref` claim writes it.
    git_ref: &'static str,
    environment: bool,
    /// A pull request's run: code nobody has reviewed yet.
    change_request: bool,
}

fn contexts() -> Vec<Context> {
    vec![
        Context {
            name: "branch",
            words: "runs on branch `{branch}` of `{owner}/{repo}`",
            sub: ":ref:refs/heads/{branch}",
            field: Some(
                FieldSpec::new(
                    "branch",
                    Domain::Run(CharClass::RefChar),
                    "main",
                    "rolecall-untrusted-branch",
                )
                .role(Role::Ref),
            ),
            claims: &[("ref", "refs/heads/{branch}"), ("ref_type", "branch")],
            git_ref: "refs/heads/{branch}",
            environment: false,
            change_request: false,
        },
        Context {
            name: "tag",
            words: "runs on tag `{tag}` of `{owner}/{repo}`",
            sub: ":ref:refs/tags/{tag}",
            field: Some(
                FieldSpec::new(
                    "tag",
                    Domain::Run(CharClass::RefChar),
                    "v1.0.0",
                    "rolecall-untrusted-tag",
                )
                .role(Role::Ref),
            ),
            claims: &[("ref", "refs/tags/{tag}"), ("ref_type", "tag")],
            git_ref: "refs/tags/{tag}",
            environment: false,
            change_request: false,
        },
        Context {
            name: "pull-request",
            words: "pull-request runs of `{owner}/{repo}`",
            sub: ":pull_request",
            field: Some(
                FieldSpec::new("pull_request", Domain::Run(CharClass::Digit), "42", "4242")
                    .role(Role::Event),
            ),
            claims: &[
                ("ref", "refs/pull/{pull_request}/merge"),
                ("event_name", "pull_request"),
            ],
            git_ref: "refs/pull/{pull_request}/merge",
            environment: false,
            change_request: true,
        },
        Context {
            name: "environment",
            words: "jobs in environment `{environment}` of `{owner}/{repo}`",
            sub: ":environment:{environment}",
            field: Some(FieldSpec::new(
                "environment",
                Domain::Run(CharClass::NoSpace),
                "production",
                "rolecall-other-environment",
            )),
            claims: &[("environment", "{environment}")],
            git_ref: "{ref}",
            environment: true,
            change_request: false,
        },
    ]
}

/// Who ran the job and which workflow: the actor and its numeric id, the enterprise id of
/// an enterprise-owned repository, the workflow's name, and `job_workflow_ref`, the workflow
/// file that runs (`{owner}/{repo}/.github/workflows/{file}@{ref}`). That file is the job's
/// own repository and ref unless a reusable workflow from elsewhere is called, so witnesses
/// prefer those values; the model still admits any workflow repository.
fn job(b: FormBuilder, git_ref: &str) -> FormBuilder {
    b.field(FieldSpec::new(
        "actor",
        Domain::Run(CharClass::Owner),
        "octocat",
        "rolecall-outsider",
    ))
    .field(FieldSpec::new(
        "actor_id",
        Domain::Run(CharClass::Digit),
        "583231",
        "7777777",
    ))
    .field(
        FieldSpec::new(
            "enterprise_id",
            Domain::Run(CharClass::Digit),
            "4242",
            "2424",
        )
        .rare(),
    )
    .field(FieldSpec::new(
        "workflow",
        Domain::Run(CharClass::Any),
        "deploy",
        "rolecall-other-workflow",
    ))
    .field(
        FieldSpec::new(
            "workflow_owner",
            Domain::Run(CharClass::Owner),
            "acme",
            "rolecall-outsider",
        )
        .optional()
        .prefer("{owner}"),
    )
    .field(
        FieldSpec::new(
            "workflow_repo",
            Domain::Run(CharClass::RepoName),
            "app",
            "rolecall-other-repo",
        )
        .prefer("{repo}"),
    )
    .field(FieldSpec::new(
        "workflow_file",
        Domain::Run(CharClass::RepoName),
        "deploy.yml",
        "rolecall-other.yml",
    ))
    .field(
        FieldSpec::new(
            "workflow_ref",
            Domain::Run(CharClass::RefChar),
            "refs/heads/main",
            "refs/heads/rolecall-untrusted-branch",
        )
        .prefer(git_ref),
    )
    .claim("actor", "{actor}")
    .claim("actor_id", "{actor_id}")
    .claim("enterprise_id", "{enterprise_id}")
    .claim("workflow", "{workflow}")
    .claim(
        "job_workflow_ref",
        "{workflow_owner}/{workflow_repo}/.github/workflows/{workflow_file}@{workflow_ref}",
    )
}

/// The default forms, then those of each custom template the model can render (the lint
/// refuses the others: [`super::renders_template`]).
pub(super) fn forms(iss: &str, templates: &[Vec<String>]) -> Vec<Form> {
    let mut out = default_forms(iss);
    let mutable: Vec<Form> = out
        .iter()
        .filter(|f| !f.name.ends_with("-immutable"))
        .cloned()
        .collect();
    for t in templates {
        out.extend(super::github_custom::forms(&mutable, t).unwrap_or_default());
    }
    out
}

/// Does every default form render under `template`?
pub(super) fn renders(template: &[String]) -> bool {
    thread_local! {
        // The default forms, built once per thread: lint asks this of every templated
        // statement, and building them was most of the question.
        static MUTABLE: Vec<Form> = default_forms("https://token.actions.githubusercontent.com")
            .into_iter()
            .filter(|f| !f.name.ends_with("-immutable"))
            .collect();
    }
    MUTABLE.with(|mutable| super::github_custom::forms(mutable, template).is_some())
}

fn default_forms(iss: &str) -> Vec<Form> {
    let mut out = Vec::new();
    for immutable in [false, true] {
        for ctx in contexts() {
            let (name, repo) = if immutable {
                (
                    format!("{}-immutable", ctx.name),
                    "repo:{owner}@{owner_id}/{repo}@{repo_id}",
                )
            } else {
                (ctx.name.to_string(), "repo:{owner}/{repo}")
            };
            let mut b = head(&name, ctx.words);
            if ctx.change_request {
                b = b.change_request();
            }
            if let Some(f) = ctx.field {
                b = b.field(f);
            }
            if ctx.environment {
                // An environment job still runs on some ref: its own field.
                b = b.field(FieldSpec::new(
                    "ref",
                    Domain::Run(CharClass::NoSpace),
                    "refs/heads/main",
                    "refs/heads/rolecall-untrusted-branch",
                ));
                b = b.claim("ref", "{ref}");
            } else {
                b = b.without("environment");
            }
            b = b
                .claim("iss", iss)
                .claim("sub", &format!("{repo}{}", ctx.sub))
                .claim("repository", "{owner}/{repo}")
                .claim("repository_owner", "{owner}")
                .claim("repository_owner_id", "{owner_id}")
                .claim("repository_id", "{repo_id}");
            for (claim, template) in ctx.claims {
                b = b.claim(claim, template);
            }
            b = job(b, ctx.git_ref);
            out.push(b.build());
        }
    }
    out
}
