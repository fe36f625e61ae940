use super::*;

#[test]
fn profiles_have_unique_ids_and_parseable_examples() {
    let mut ids: Vec<&str> = ALL.iter().map(|p| p.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), ALL.len());
    for p in ALL {
        let claims: serde_json::Value = serde_json::from_str(p.example_claims)
            .unwrap_or_else(|e| panic!("{}: example claims: {e}", p.id));
        if p.prefixes.is_empty() {
            continue; // self-hosted only (Jenkins) or unknown (Travis CI)
        }
        let iss = claims["iss"].as_str().unwrap_or_default();
        let prefix = crate::request::issuer_prefix(iss);
        assert_eq!(
            Profile::for_prefix(prefix).map(|f| f.id),
            Some(p.id),
            "{}: its example issuer must map back to it",
            p.id
        );
    }
}

#[test]
fn example_subjects_follow_a_declared_form() {
    for p in ALL {
        if p.subject.is_empty() {
            continue;
        }
        let claims: serde_json::Value = serde_json::from_str(p.example_claims).unwrap();
        let sub = claims["sub"].as_str().unwrap_or_default();
        let rendered: Vec<String> = p
            .subject
            .iter()
            .map(|f| f.render(|_, field| field.example.to_string()))
            .collect();
        assert!(
            rendered.iter().any(|r| r == sub),
            "{}: example sub {sub} is not one of {rendered:?}",
            p.id
        );
    }
}

#[test]
fn prefixes_recognise_tenant_specific_issuers() {
    let bb = "api.bitbucket.org/2.0/workspaces/bbcitest/pipelines-config/identity/oidc";
    assert_eq!(Profile::for_prefix(bb).map(|p| p.id), Some("bitbucket"));
    assert_eq!(
        Profile::for_prefix("token.actions.githubusercontent.com").map(|p| p.id),
        Some("github")
    );
    assert!(Profile::for_prefix("auth.example.com").is_none());
}

#[test]
fn presence_data_names_real_fields_and_does_not_contradict_itself() {
    for p in ALL {
        for (field, claim) in p.implied_by_subject {
            assert!(
                !p.always_carries(claim),
                "{}: `{claim}` is always present, so no subject implies it",
                p.id
            );
            if p.id != "github" {
                // GitHub's template keys (`enterprise_id`, ...) become fields of declared
                // templates only.
                assert!(
                    p.subject
                        .iter()
                        .any(|f| f.fields().any(|x| x.name == *field)),
                    "{}: no subject form has a field `{field}`",
                    p.id
                );
            }
        }
    }
}

#[test]
fn custom_templates_are_read_off_github_subjects() {
    let keys = |v: &str| -> Vec<Vec<String>> { super::github_templates_of(v) };
    let list = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    // The default subject is not a custom template.
    assert!(keys("repo:acme/app:ref:refs/heads/main").is_empty());
    assert!(keys("repo:acme/app:environment:prod").is_empty());
    assert!(keys("repo:acme/app:pull_request").is_empty());
    assert!(keys("repo:acme/*").is_empty());
    // Text that is no template.
    assert!(keys("context:production:*").is_empty());
    assert!(keys("branch:main").is_empty());
    assert!(keys("").is_empty());
    // Exact templates: only the keys written.
    assert_eq!(
        keys("workflow:Deploy:repo:acme/app:environment:production"),
        vec![list(&["workflow", "repo", "environment"])]
    );
    assert_eq!(
        keys("repository_owner:acme:repository_visibility:private"),
        vec![list(&["repository_owner", "repository_visibility"])]
    );
    // A wildcard can absorb more pairs: the template ending in `repo` too.
    assert_eq!(
        keys("workflow:Deploy*"),
        vec![list(&["workflow"]), list(&["workflow", "repo"])]
    );
    assert_eq!(
        keys("ref:refs/heads/main:*"),
        vec![list(&["ref"]), list(&["ref", "repo"])]
    );
    assert_eq!(
        keys("repository_owner:acme:repository:acme/*:ref:refs/heads/main"),
        vec![
            list(&["repository_owner", "repository", "ref"]),
            list(&["repository_owner", "repository", "ref", "repo"])
        ]
    );
    assert_eq!(
        keys("repo_property_team:payments"),
        vec![list(&["repo_property_team"])]
    );
}
