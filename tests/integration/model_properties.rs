//! Properties of the exact model over random GitHub policies and policy pairs, checked
//! against the evaluator:
//! - every `diff` witness is allowed by HEAD and denied by BASE;
//! - when `diff` finds no new access, none of thousands of generated identities (random
//!   fields of every form, rendered as the provider would) is allowed by HEAD and denied by
//!   BASE;
//! - every `who` witness is allowed and coherent: its claims re-render from its fields;
//! - every witness is realistic: numeric ids, a `sub` naming the `repository`, and a
//!   `job_workflow_ref` that is the job's own workflow unless a condition names one.

use std::net::IpAddr;

use proptest::prelude::*;
use rolecall::eval::{evaluate, Verdict};
use rolecall::model::{self, identity, Options, Witness};
use rolecall::policy::{parse, Policy};
use rolecall::request::{self, RequestInput};
use serde_json::{json, Value};

const K: &str = "token.actions.githubusercontent.com";
const GH: &str = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

const OPS: &[&str] = &[
    "StringEquals",
    "StringLike",
    "StringLike",
    "StringNotLike",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringLikeIfExists",
    "ForAnyValue:StringLike",
    "ForAllValues:StringLike",
    "Null",
];

fn values(key: &str) -> &'static [&'static str] {
    match key {
        "sub" => &[
            "repo:acme/*",
            "repo:acme/app:*",
            "repo:acme/app:ref:refs/heads/main",
            "repo:acme*",
            "repo:*:pull_request",
            "repo:acme/app:environment:prod",
            "repo:acme/?pp:*",
            "*",
            "repo:acme@1/app@123:*",
        ],
        "aud" => &["sts.amazonaws.com", "sts*", "other"],
        "repository" => &["acme/app", "acme/*", "Acme/App"],
        "repository_id" => &["123", "12*", "9"],
        "job_workflow_ref" => &[
            "acme/deploy/.github/workflows/d.yml@refs/heads/main",
            "acme/*",
        ],
        _ => &["prod", "p*"],
    }
}

const KEYS: &[&str] = &[
    "sub",
    "sub",
    "aud",
    "repository",
    "repository_id",
    "job_workflow_ref",
    "environment",
];
const NETS: &[&str] = &["10.0.0.0/8", "10.0.0.0/16", "192.168.0.0/16", "::/1"];

fn condition() -> impl Strategy<Value = (String, String, Value)> {
    (
        0..OPS.len(),
        0..KEYS.len(),
        proptest::collection::vec(0..9usize, 1..3),
    )
        .prop_map(|(o, k, picks)| {
            let op = OPS[o % OPS.len()];
            let key = KEYS[k % KEYS.len()];
            let pool = values(key);
            let vals: Vec<&str> = if op == "Null" {
                vec![if picks[0] % 2 == 0 { "true" } else { "false" }]
            } else {
                picks.iter().map(|i| pool[i % pool.len()]).collect()
            };
            (op.to_string(), format!("{K}:{key}"), json!(vals))
        })
}

fn statement() -> impl Strategy<Value = Value> {
    (
        prop::bool::weighted(0.2),
        proptest::collection::vec(condition(), 1..4),
        proptest::option::weighted(0.25, (prop::bool::ANY, 0..NETS.len())),
    )
        .prop_map(|(deny, conds, ip)| {
            let mut c = serde_json::Map::new();
            for (op, key, vals) in conds {
                let block = c.entry(op).or_insert_with(|| json!({}));
                block[key] = vals;
            }
            if let Some((negated, n)) = ip {
                let op = if negated { "NotIpAddress" } else { "IpAddress" };
                c.insert(op.into(), json!({"aws:SourceIp": NETS[n]}));
            }
            json!({
                "Effect": if deny { "Deny" } else { "Allow" },
                "Principal": {"Federated": GH},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": c,
            })
        })
}

fn policy() -> impl Strategy<Value = Policy> {
    proptest::collection::vec(statement(), 1..4).prop_map(|st| {
        parse(&json!({"Version": "2012-10-17", "Statement": st}).to_string()).unwrap()
    })
}

fn allows(p: &Policy, req: &request::Request) -> bool {
    evaluate(p, req).verdict == Verdict::Allow
}

fn field_pool(name: &str) -> &'static [Option<&'static str>] {
    match name {
        "owner" => &[Some("acme"), Some("acme-evil"), Some("ACME"), Some("octo")],
        "owner_id" => &[Some("1"), Some("2")],
        "repo" => &[Some("app"), Some("bpp"), Some("legacy")],
        "repo_id" => &[Some("123"), Some("124"), Some("9")],
        "branch" => &[Some("main"), Some("dev")],
        "environment" => &[Some("prod"), Some("pq"), Some("staging")],
        "aud" => &[Some("sts.amazonaws.com"), Some("stsx"), Some("other")],
        "workflow_owner" => &[None, Some("acme"), Some("evil")],
        "workflow_repo" => &[Some("deploy"), Some("app")],
        "workflow_file" => &[Some("d.yml"), Some("ci.yml")],
        "workflow_ref" => &[Some("refs/heads/main"), Some("refs/heads/dev")],
        _ => &[Some("v1"), None],
    }
}

/// Random identities of every GitHub form, rendered as GitHub would, from random addresses.
fn identities(seed: u64, n: usize) -> Vec<request::Request> {
    let model = identity::for_prefix(K);
    let ips: [Option<IpAddr>; 5] = [
        None,
        "10.0.0.1".parse().ok(),
        "10.1.2.3".parse().ok(),
        "192.168.1.1".parse().ok(),
        "::1".parse().ok(),
    ];
    let mut x = seed | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        usize::try_from(x % 1_000_003).unwrap()
    };
    (0..n)
        .map(|_| {
            let form = &model.forms[next() % model.forms.len()];
            let values: Vec<Option<&str>> = form
                .fields
                .iter()
                .map(|f| {
                    let pool = field_pool(&f.name);
                    // Only tokens GitHub could issue: a value outside the field's domain (a
                    // repository id that is not a number) is replaced by the example.
                    match pool[next() % pool.len()] {
                        None if f.optional => None,
                        Some(v) if f.domain.contains(v) => Some(v),
                        _ => Some(f.example.as_str()),
                    }
                })
                .collect();
            let claims = form.render(&values);
            request::build(&RequestInput {
                principal: GH,
                claims: &claims,
                source_ip: ips[next() % ips.len()],
                now: Options::default().now,
                extra: &[],
            })
        })
        .collect()
}

/// A witness is a token GitHub could issue: ids are numbers, `repository` is the `sub`'s
/// owner and name, and `job_workflow_ref` is a workflow file at a ref, the job's own
/// repository's whenever no condition says otherwise.
fn realistic(w: &Witness, policy_names_workflow: bool) -> Result<(), String> {
    let c = |k: &str| w.claims.get(k).and_then(Value::as_str).map(str::to_string);
    let digits =
        |k: &str| c(k).is_none_or(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()));
    for k in [
        "repository_id",
        "repository_owner_id",
        "actor_id",
        "enterprise_id",
    ] {
        if !digits(k) {
            return Err(format!("{k} is not a number: {:?}", c(k)));
        }
    }
    let repository = c("repository").ok_or("no repository")?;
    let sub = c("sub").ok_or("no sub")?;
    let owner = c("repository_owner").ok_or("no owner")?;
    if !repository.starts_with(&format!("{owner}/")) {
        return Err(format!("{repository} is not owned by {owner}"));
    }
    let (name_owner, name_repo) = repository.split_once('/').ok_or("repository without /")?;
    let plain = format!("repo:{repository}:");
    let immutable = format!(
        "repo:{name_owner}@{}/{name_repo}@{}:",
        c("repository_owner_id").unwrap_or_default(),
        c("repository_id").unwrap_or_default()
    );
    if !sub.starts_with(&plain) && !sub.starts_with(&immutable) {
        return Err(format!("sub {sub} does not name {repository}"));
    }
    if let Some(jwr) = c("job_workflow_ref") {
        let (path, at) = jwr.split_once('@').ok_or("job_workflow_ref without @")?;
        if !path.contains("/.github/workflows/") || at.is_empty() {
            return Err(format!(
                "job_workflow_ref {jwr} is not a workflow file at a ref"
            ));
        }
        if !policy_names_workflow && !jwr.starts_with(&format!("{repository}/.github/workflows/")) {
            return Err(format!("job_workflow_ref {jwr} is not {repository}'s own"));
        }
    }
    Ok(())
}

fn names_workflow(p: &Policy) -> bool {
    p.statements
        .iter()
        .flat_map(|s| &s.conditions)
        .any(|c| c.key_lower.ends_with(":job_workflow_ref"))
}

fn coherent(w: &Witness) -> bool {
    let model = identity::for_prefix(request::key_prefix(&w.principal));
    let Some(form) = model.forms.iter().find(|f| f.name == w.form) else {
        return false;
    };
    let values: Vec<Option<&str>> = w.fields.iter().map(|(_, v)| v.as_deref()).collect();
    let mut claims = w.claims.clone();
    claims.remove(request::TAGS_CLAIM);
    claims.remove(request::SOURCE_IDENTITY_CLAIM);
    form.render(&values) == claims
}

/// Caps a tenth of the defaults: a generated pair past them is refused (`TooComplex`, which
/// the model may answer) and skipped, so a random star-heavy pair cannot make a debug test run
/// for minutes; what is decided is checked in full.
fn bounded() -> Options {
    Options {
        max_field_states: 2_000,
        max_requests: 20_000,
        ..Options::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn diff_witnesses_replay_and_no_new_access_means_none(base in policy(), head in policy(), seed in any::<u64>()) {
        let d = model::diff(&base, &head, &bounded());
        prop_assume!(!matches!(d, Err(model::ModelError::TooComplex { .. })));
        let d = d.unwrap();
        for way in &d.widened {
            let req = way.witness.request();
            prop_assert!(allows(&head, &req) && !allows(&base, &req), "{}", way.sentence);
            prop_assert!(coherent(&way.witness));
            let named = names_workflow(&base) || names_workflow(&head);
            prop_assert_eq!(realistic(&way.witness, named), Ok(()), "{}", way.sentence);
        }
        if !d.is_wider() {
            for req in identities(seed, 400) {
                prop_assert!(!allows(&head, &req) || allows(&base, &req),
                    "diff said no new access, but HEAD alone allows {:?}", req.keys().collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn who_witnesses_are_allowed_and_coherent(p in policy(), seed in any::<u64>()) {
        let w = model::who(&p, &bounded());
        prop_assume!(!matches!(w, Err(model::ModelError::TooComplex { .. })));
        let w = w.unwrap();
        for line in &w.lines {
            prop_assert!(allows(&p, &line.witness.request()), "{}", line.summary);
            prop_assert!(coherent(&line.witness), "{}", line.summary);
            prop_assert_eq!(realistic(&line.witness, names_workflow(&p)), Ok(()), "{}", line.summary);
        }
        if w.lines.is_empty() {
            for req in identities(seed, 400) {
                prop_assert!(!allows(&p, &req), "who found no one, but {:?} is allowed", req.keys().collect::<Vec<_>>());
            }
        }
    }
}
