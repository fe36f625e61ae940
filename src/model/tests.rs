#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use super::*;
use crate::eval::{evaluate, Verdict};
use crate::policy::parse;

const GH: &str = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
const K: &str = "token.actions.githubusercontent.com";

fn gh(conditions: &str) -> crate::policy::Policy {
    parse(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{GH}"}},
        "Action":"sts:AssumeRoleWithWebIdentity","Condition":{conditions}}}]}}"#
    ))
    .unwrap()
}

fn allowed(p: &crate::policy::Policy, w: &Witness) -> bool {
    evaluate(p, &w.request()).verdict == Verdict::Allow
}

#[test]
fn relaxing_a_branch_pin_widens_with_a_replayable_witness() {
    let base = gh(&format!(
        r#"{{"StringEquals":{{"{K}:aud":"sts.amazonaws.com","{K}:sub":"repo:acme/app:ref:refs/heads/main"}}}}"#
    ));
    let head = gh(&format!(
        r#"{{"StringEquals":{{"{K}:aud":"sts.amazonaws.com"}},"StringLike":{{"{K}:sub":"repo:acme/app:*"}}}}"#
    ));
    let d = diff(&base, &head, &Options::default()).unwrap();
    assert!(d.is_wider());
    for way in &d.widened {
        assert!(allowed(&head, &way.witness), "{}", way.sentence);
        assert!(!allowed(&base, &way.witness), "{}", way.sentence);
    }
    assert!(d
        .widened
        .iter()
        .any(|w| w.sentence.contains("pull-request runs of `acme/app`")));
    let back = diff(&head, &base, &Options::default()).unwrap();
    assert!(!back.is_wider());
    assert!(!back.narrowed.is_empty());
}

#[test]
fn repository_id_narrows_a_wide_sub_to_one_repository() {
    let p = gh(&format!(
        r#"{{"StringLike":{{"{K}:sub":"repo:acme/*"}},"StringEquals":{{"{K}:repository_id":"123456"}}}}"#
    ));
    let w = who(&p, &Options::default()).unwrap();
    assert!(!w.lines.is_empty());
    for line in &w.lines {
        assert!(allowed(&p, &line.witness));
        let ids = line
            .constrained
            .iter()
            .find(|(f, _)| f == "repo_id")
            .map(|(_, v)| v.clone());
        assert_eq!(
            ids,
            Some(vec![Some("123456".to_string())]),
            "{}",
            line.summary
        );
    }
}

#[test]
fn circleci_witnesses_name_the_issuers_organization() {
    let org = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
    let p = parse(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow",
        "Principal":{{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.circleci.com/org/{org}"}},
        "Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{{"StringLike":{{"oidc.circleci.com/org/{org}:sub":"org/*"}}}}}}]}}"#
    ))
    .unwrap();
    let w = who(&p, &Options::default()).unwrap();
    assert!(!w.lines.is_empty());
    for line in &w.lines {
        let sub = line.witness.claims["sub"].as_str().unwrap();
        assert!(sub.starts_with(&format!("org/{org}/")), "{sub}");
        assert!(line.witness.claims["iss"].as_str().unwrap().ends_with(org));
    }
}

#[test]
fn a_removed_deny_widens() {
    let base = parse(&format!(
        r#"{{"Version":"2012-10-17","Statement":[
        {{"Effect":"Allow","Principal":{{"Federated":"{GH}"}},"Action":"sts:AssumeRoleWithWebIdentity",
          "Condition":{{"StringLike":{{"{K}:sub":"repo:acme/*"}}}}}},
        {{"Effect":"Deny","Principal":{{"Federated":"{GH}"}},"Action":"sts:AssumeRoleWithWebIdentity",
          "Condition":{{"StringLike":{{"{K}:sub":"repo:acme/legacy:*"}}}}}}]}}"#
    ))
    .unwrap();
    let head = gh(&format!(r#"{{"StringLike":{{"{K}:sub":"repo:acme/*"}}}}"#));
    let d = diff(&base, &head, &Options::default()).unwrap();
    assert!(d.is_wider());
    for way in &d.widened {
        assert_eq!(way.witness.claims["repository"], "acme/legacy");
    }
}

#[test]
fn an_address_range_widening_is_found_per_interval() {
    let cond = |net: &str| {
        format!(
            r#"{{"StringLike":{{"{K}:sub":"repo:acme/*"}},"IpAddress":{{"aws:SourceIp":"{net}"}}}}"#
        )
    };
    let d = diff(
        &gh(&cond("10.0.0.0/24")),
        &gh(&cond("10.0.0.0/16")),
        &Options::default(),
    )
    .unwrap();
    assert!(d.is_wider());
    for way in &d.widened {
        let ip = way.witness.source_ip.unwrap().to_string();
        assert!(ip.starts_with("10.0."), "{ip}");
    }
}

#[test]
fn a_search_past_the_cap_is_an_error_not_a_guess() {
    let p = gh(&format!(
        r#"{{"StringLike":{{"{K}:sub":"repo:*a*b*c*d*e*f*g*h*"}}}}"#
    ));
    let tight = Options {
        max_field_states: 10,
        ..Options::default()
    };
    assert!(matches!(
        who(&p, &tight),
        Err(ModelError::TooComplex { .. })
    ));
}

#[test]
fn witnesses_name_the_jobs_own_workflow_unless_a_condition_names_another() {
    let own = gh(&format!(
        r#"{{"StringEquals":{{"{K}:sub":"repo:octo/lib:ref:refs/heads/dev"}}}}"#
    ));
    let w = who(&own, &Options::default()).unwrap();
    assert_eq!(w.lines.len(), 1);
    let c = &w.lines[0].witness.claims;
    assert_eq!(
        c["job_workflow_ref"],
        "octo/lib/.github/workflows/deploy.yml@refs/heads/dev"
    );
    assert!(c.get("enterprise_id").is_none(), "{c:?}");
    for id in ["repository_id", "repository_owner_id", "actor_id"] {
        assert!(c[id].as_str().unwrap().bytes().all(|b| b.is_ascii_digit()));
    }
    // A central reusable workflow: every witness calls it, from any repository of acme.
    let central = "acme/deploy/.github/workflows/d.yml@refs/heads/main";
    let p = gh(&format!(
        r#"{{"StringLike":{{"{K}:sub":"repo:acme/*"}},"StringEquals":{{"{K}:job_workflow_ref":"{central}"}}}}"#
    ));
    let w = who(&p, &Options::default()).unwrap();
    assert!(!w.lines.is_empty());
    for line in &w.lines {
        assert!(allowed(&p, &line.witness));
        assert_eq!(line.witness.claims["job_workflow_ref"], central);
        let admitted: Vec<_> = line
            .constrained
            .iter()
            .filter(|(f, _)| f.starts_with("workflow_"))
            .collect();
        assert_eq!(admitted.len(), 4, "{}", line.summary);
    }
}

#[test]
fn a_declared_value_is_a_class_of_its_own_so_containment_is_exact() {
    // No condition names `app`: without the probe, one class of repositories stands for all,
    // and its representative could be the declared one.
    let p = gh(&format!(r#"{{"StringLike":{{"{K}:sub":"repo:acme/*"}}}}"#));
    let opts = Options {
        distinguish: vec![("repo".into(), vec!["app".into()])],
        ..Options::default()
    };
    let repo_is_app = |_: &str, form: &identity::Form, values: &[Option<&str>]| {
        let i = form.fields.iter().position(|f| f.name == "repo");
        i.and_then(|i| values[i]) == Some("app")
    };
    let out = outside(&p, &opts, repo_is_app).unwrap();
    assert!(!out.witnesses.is_empty());
    for w in &out.witnesses {
        assert!(allowed(&p, w));
        let repo = w.claims["repository"].as_str().unwrap();
        assert!(repo.starts_with("acme/") && repo != "acme/app", "{repo}");
        assert!(w.claims["sub"]
            .as_str()
            .unwrap()
            .starts_with(&format!("repo:{repo}:")));
    }
    // Pinned to the declared repository: nothing is outside.
    let pinned = gh(&format!(
        r#"{{"StringLike":{{"{K}:sub":"repo:acme/app:*"}}}}"#
    ));
    assert!(outside(&pinned, &opts, repo_is_app)
        .unwrap()
        .witnesses
        .is_empty());
}

#[test]
fn admits_anyone_stops_at_the_first_and_reports_an_empty_set() {
    let open = gh(&format!(r#"{{"StringLike":{{"{K}:sub":"repo:acme/*"}}}}"#));
    assert_eq!(
        admits_anyone(&open, &Options::default()),
        Ok(Admitted::Someone)
    );
    // GitLab's key is never in a GitHub request: the statement never applies.
    let locked = gh(&format!(
        r#"{{"StringLike":{{"{K}:sub":"repo:acme/*","gitlab.com:sub":"project_path:acme/*"}}}}"#
    ));
    assert!(matches!(
        admits_anyone(&locked, &Options::default()),
        Ok(Admitted::NoOne { requests }) if requests > 0
    ));
    assert!(who(&locked, &Options::default()).unwrap().lines.is_empty());
}
