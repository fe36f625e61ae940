//! GitHub custom subject templates, declared in `rolecall.toml`.
//!
//! A repository or organization can replace GitHub's `sub` with a template
//! (`include_claim_keys`): the listed claims as `key:value` pairs joined by `:`, in the given
//! order, where `repo` renders as `repo:{owner}/{repo}` and `context` as the default subject's
//! context (`ref:refs/heads/…`, `ref:refs/tags/…`, `environment:…`, `pull_request`)
//! [https://docs.github.com/en/actions/reference/security/oidc]. A declared template becomes
//! extra subject forms of the GitHub profile, which the profile-reading rules (the subject
//! grammar of `unmatchable-subject`) read. Every question of who is admitted is asked of the
//! identity model instead, which renders templates itself from owned key lists
//! (`model::identity::github_custom`); templates read off a policy's values are such owned
//! lists too (`lint::context::ProviderView::templates`), never profiles.
//!
//! Profiles are `&'static` (the built-in ones are constants). A configuration is read once per
//! run, so the few hundred bytes of a declared template are leaked to give it the same
//! lifetime instead of threading a second one through the linter.

use super::builtin::github::{
    BRANCH, ENVIRONMENT, OWNER, OWNER_ID, REPO, REPO_ID, TAG, VISIBILITY, WORKFLOW,
};
use super::{Field, Part, Profile, Role, Shape, SubForm};

/// A template expands into at most this many forms (each `context` or `ref` multiplies them).
const MAX_FORMS: usize = 64;

/// One way a claim key can render: a name for the form, and its parts.
type Alternative = (&'static str, Vec<Part>);

/// `base` (the GitHub profile) with the forms of a custom template over `keys` in front of its
/// own, and the given tenancy-independent data unchanged.
pub fn with_template(base: &'static Profile, keys: &[String]) -> Result<&'static Profile, String> {
    if base.id != "github" {
        return Err(format!(
            "`include_claim_keys` is a GitHub Actions template; `{}` has none",
            base.id
        ));
    }
    if keys.is_empty() {
        return Err("`include_claim_keys` is empty".into());
    }
    let mut forms: Vec<(String, Vec<Part>)> = vec![(String::from("custom"), Vec::new())];
    for (i, key) in keys.iter().enumerate() {
        if key.is_empty() || key.contains(':') {
            return Err(format!("`{key}` is not a claim name"));
        }
        let alternatives = alternatives(key);
        if forms.len() * alternatives.len() > MAX_FORMS {
            return Err(format!(
                "the template expands into more than {MAX_FORMS} subject forms"
            ));
        }
        forms = forms
            .into_iter()
            .flat_map(|(name, parts)| {
                alternatives.iter().map(move |(alt, more)| {
                    let mut parts: Vec<Part> = parts.iter().map(copy_part).collect();
                    if i > 0 {
                        parts.push(Part::Lit(":"));
                    }
                    parts.extend(more.iter().map(copy_part));
                    let name = if alt.is_empty() {
                        format!("{name}-{key}")
                    } else {
                        format!("{name}-{alt}")
                    };
                    (name, parts)
                })
            })
            .collect();
    }
    let mut subject: Vec<SubForm> = forms
        .into_iter()
        .map(|(name, parts)| SubForm {
            name: leak_str(name),
            parts: Box::leak(merge_literals(parts).into_boxed_slice()),
        })
        .collect();
    subject.extend(base.subject.iter().map(|f| SubForm {
        name: f.name,
        parts: f.parts,
    }));
    Ok(Box::leak(Box::new(Profile {
        subject: Box::leak(subject.into_boxed_slice()),
        ..*base
    })))
}

/// How one claim key renders in a template.
fn alternatives(key: &str) -> Vec<Alternative> {
    let pair = |lit: &'static str, field: Field| vec![Part::Lit(lit), Part::Field(field)];
    match key {
        "repo" => vec![(
            "",
            vec![
                Part::Lit("repo:"),
                Part::Field(OWNER),
                Part::Lit("/"),
                Part::Field(REPO),
            ],
        )],
        "context" => vec![
            ("branch", pair("ref:refs/heads/", BRANCH)),
            ("tag", pair("ref:refs/tags/", TAG)),
            ("environment", pair("environment:", ENVIRONMENT)),
            ("pull-request", vec![Part::Lit("pull_request")]),
        ],
        "ref" => vec![
            ("branch", pair("ref:refs/heads/", BRANCH)),
            ("tag", pair("ref:refs/tags/", TAG)),
        ],
        "repository" => vec![(
            "",
            vec![
                Part::Lit("repository:"),
                Part::Field(OWNER),
                Part::Lit("/"),
                Part::Field(REPO),
            ],
        )],
        "repository_owner" => vec![("", pair("repository_owner:", OWNER))],
        "repository_owner_id" => vec![("", pair("repository_owner_id:", OWNER_ID))],
        "repository_id" => vec![("", pair("repository_id:", REPO_ID))],
        "environment" => vec![("", pair("environment:", ENVIRONMENT))],
        "job_workflow_ref" => vec![("", pair("job_workflow_ref:", WORKFLOW))],
        "repository_visibility" => vec![("", pair("repository_visibility:", VISIBILITY))],
        other => {
            let (role, example, outsider, shape) = match other {
                "ref_type" => (
                    Role::Event,
                    "branch",
                    "tag",
                    Shape::OneOf(&["branch", "tag"]),
                ),
                "event_name" => (Role::Event, "push", "pull_request_target", Shape::Segment),
                _ => (Role::Other, "value", "rolecall-other-value", Shape::Any),
            };
            let name = leak_str(other.to_string());
            vec![(
                "",
                vec![
                    Part::Lit(leak_str(format!("{other}:"))),
                    Part::Field(Field {
                        name,
                        role,
                        example,
                        other: outsider,
                        shape,
                    }),
                ],
            )]
        }
    }
}

fn copy_part(p: &Part) -> Part {
    match p {
        Part::Lit(s) => Part::Lit(s),
        Part::Field(f) => Part::Field(Field {
            name: f.name,
            role: f.role,
            example: f.example,
            other: f.other,
            shape: f.shape,
        }),
    }
}

/// Adjacent literals joined, as the built-in forms write them (the subject grammar reads a
/// form's separators off its literals' ends).
fn merge_literals(parts: Vec<Part>) -> Vec<Part> {
    let mut out: Vec<Part> = Vec::with_capacity(parts.len());
    for p in parts {
        match (out.last_mut(), p) {
            (Some(Part::Lit(prev)), Part::Lit(next)) => {
                *prev = leak_str(format!("{prev}{next}"));
            }
            (_, p) => out.push(p),
        }
    }
    out
}

fn leak_str(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// GitHub's claim names a custom template can include, besides `repo` and `context`
/// [https://docs.github.com/en/actions/reference/security/oidc]. Organization custom
/// properties (`repo_property_*`) are claims too.
const GITHUB_CLAIMS: &[&str] = &[
    "actor",
    "actor_id",
    "base_ref",
    "enterprise",
    "enterprise_id",
    "environment",
    "event_name",
    "head_ref",
    "job_workflow_ref",
    "job_workflow_sha",
    "ref",
    "ref_protected",
    "ref_type",
    "repository",
    "repository_id",
    "repository_owner",
    "repository_owner_id",
    "repository_visibility",
    "run_attempt",
    "run_id",
    "run_number",
    "runner_environment",
    "workflow",
    "workflow_ref",
    "workflow_sha",
];

/// The custom templates a GitHub `sub` value seems to be written for: its `key:value` pairs read
/// left to right while the keys are claim names. Empty for the default subject
/// (`repo:{owner}/{repo}:{context}`, which the built-in forms cover) and for text that is no
/// template. A value with a wildcard also admits templates with more claims than it spells
/// out; an attacker's own template can end with `repo`, so that template is returned too.
///
/// GitHub escapes `:` in claim values (`production%3Aeastus`), so a literal value never spans
/// pairs; a wildcard can, which is what the second template stands for.
pub fn github_templates_of(value: &str) -> Vec<Vec<String>> {
    let mut keys: Vec<String> = Vec::new();
    let mut rest = value;
    let mut wild = false;
    while !rest.is_empty() {
        let (key, after) = match rest.split_once(':') {
            Some(split) => split,
            // `pull_request` is the one context without a value.
            None if rest == "pull_request" => ("pull_request", ""),
            None => (rest, ""),
        };
        if key.contains(['*', '?']) {
            wild = true;
            break;
        }
        let name = match key {
            "pull_request" => "context",
            "repo" => key,
            k if GITHUB_CLAIMS.contains(&k) || k.starts_with("repo_property_") => k,
            _ => return Vec::new(),
        };
        keys.push(name.to_string());
        if key == "pull_request" {
            rest = after;
            continue;
        }
        let (value, next) = after.split_once(':').unwrap_or((after, ""));
        wild |= value.contains(['*', '?']);
        rest = next;
    }
    let default = keys.first().is_some_and(|k| k == "repo")
        && keys.len() <= 2
        && keys
            .get(1)
            .is_none_or(|k| matches!(k.as_str(), "ref" | "environment" | "context"));
    if keys.is_empty() || default {
        return Vec::new();
    }
    let mut out = vec![keys.clone()];
    if wild && keys.last().is_some_and(|k| k != "repo") {
        keys.push("repo".into());
        out.push(keys);
    }
    out
}
