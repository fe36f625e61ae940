//! Provider-aware words for breadth messages: a GitHub repository of an owner, an HCP Terraform
//! workspace of an organization, a branch or a run phase.

use super::super::context::ProviderView;
use crate::lint::shape;
use crate::providers::{Profile, Role, SubForm};

/// The first field of `role` in the profile's forms, in words (`repository`, `workspace`).
pub(crate) fn noun(profile: &Profile, role: Role) -> Option<String> {
    profile
        .subject
        .iter()
        .flat_map(|f| f.fields())
        .find(|f| f.role == role)
        .map(|f| words(f.name))
}

/// What one tenant of the provider is called in a message.
pub(crate) fn tenant(p: &ProviderView<'_>) -> String {
    match p.profile {
        Some(profile) if p.is_shared() => {
            noun(profile, Role::Tenant).unwrap_or_else(|| "owner".into())
        }
        _ => p.tenant_unit().to_string(),
    }
}

/// What one project of the provider is called (`repository` when the profile has none).
pub(crate) fn project(p: &ProviderView<'_>) -> String {
    p.profile
        .and_then(|profile| noun(profile, Role::Project))
        .unwrap_or_else(|| "repository".into())
}

/// What the provider calls a change request (`pull request` when it says nothing).
pub(crate) fn change_request_noun(profile: &Profile) -> &'static str {
    profile
        .grammar
        .change_request
        .map_or("pull request", |c| c.noun)
}

/// Is every form `sub` fits a pull or merge request?
pub(crate) fn is_change_request(profile: &Profile, sub: &str) -> bool {
    let literal: Vec<shape::Glob> = sub.chars().map(shape::Glob::Char).collect();
    let fits = |f: &&'static SubForm| {
        shape::intersects(&literal, &shape::of_form(f, false, None)) == Some(true)
    };
    // The change-request forms first: most subjects fit none of them, and that decides it
    // without trying every other form.
    let forms = || profile.subject.iter();
    forms().any(|f| profile.is_change_request(f) && fits(&f))
        && !forms().any(|f| !profile.is_change_request(f) && fits(&f))
}

/// A pinned subject in the provider's format: its first form with example values.
pub(crate) fn pinned_example(profile: &Profile) -> Option<String> {
    profile
        .subject
        .first()
        .map(|f| f.render(|_, field| field.example.to_string()))
}

/// The ref- and event-like fields of the forms a policy value admits, as "branch, tag or pull
/// request", "run phase". `value` is the value's glob (or a concrete subject's).
pub(crate) fn refs_of(profile: &Profile, value: &[shape::Glob], requests: bool) -> String {
    let mut names: Vec<String> = Vec::new();
    let admitted: Vec<&SubForm> = profile
        .subject
        .iter()
        .filter(|f| shape::intersects(value, &shape::of_form(f, false, None)) == Some(true))
        .collect();
    for f in &admitted {
        for field in f.fields() {
            let word = words(field.name);
            if matches!(field.role, Role::Ref | Role::Event) && !names.contains(&word) {
                names.push(word);
            }
        }
    }
    let has_requests = profile.subject.iter().any(|f| profile.is_change_request(f));
    let requests_admitted = admitted.iter().any(|f| profile.is_change_request(f));
    if has_requests && requests_admitted && requests {
        names.push(change_request_noun(profile).to_string());
    }
    or_list(&names)
}

/// The refs a value admits when it names the kind of ref and a name prefix: `refs/tags/v*` is
/// "any tag starting `v`", `refs/heads/main*` is "`main` and every branch whose name starts
/// with `main`". `None` when the value's ref part is not one literal prefix and a `*`.
pub(crate) fn ref_prefixes(profile: &Profile, raw: &str, value: &[shape::Glob]) -> Option<String> {
    let mut phrases: Vec<String> = Vec::new();
    // Git ref names, repository and project names never hold `:` (git-check-ref-format).
    let admitted = profile
        .subject
        .iter()
        .filter(|f| shape::intersects(value, &shape::of_form(f, false, Some(':'))) == Some(true));
    for form in admitted {
        // The literal just before the form's trailing ref field (`:ref:refs/tags/`).
        let [.., crate::providers::Part::Lit(head), crate::providers::Part::Field(field)] =
            form.parts
        else {
            return None;
        };
        if field.role != Role::Ref {
            return None;
        }
        let (_, rest) = raw.rsplit_once(head)?;
        let prefix = rest.strip_suffix('*')?;
        if prefix.contains(['*', '?', '$']) {
            return None;
        }
        let kind = words(field.name);
        let phrase = if prefix.is_empty() {
            format!("any {kind}")
        } else if prefix.len() == 1 || prefix.ends_with(['/', '-', '_', '.']) {
            format!("any {kind} starting `{prefix}`")
        } else {
            format!("`{prefix}` and every {kind} whose name starts with `{prefix}`")
        };
        if !phrases.contains(&phrase) {
            phrases.push(phrase);
        }
    }
    (!phrases.is_empty()).then(|| or_list(&phrases))
}

/// `a`, `a or b`, `a, b or c`.
fn or_list(items: &[String]) -> String {
    match items {
        [] => "ref".into(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// A field name in words: `service_account` → `service account`, `repo` → `repository`.
fn words(name: &str) -> String {
    match name {
        "repo" => "repository".into(),
        other => other.replace('_', " "),
    }
}
