//! `rolecall policy --from-token` for HCP Terraform, CircleCI, Buildkite and Semaphore: from
//! each provider's example token, the generated policy admits that token, refuses the same
//! token from another workspace, project, pipeline or branch, and lints clean; a scope the
//! provider has no unit for is refused with the scope to ask for instead.

use rolecall::generate::{generate, intent_from_token, Format, TokenScope};
use rolecall::lint::{self, Config, Severity};
use rolecall::providers::Profile;
use rolecall::{policy, Policy, Verdict};
use serde_json::{Map, Value};

const ACCOUNT: &str = "123456789012";

fn example(provider: &str) -> Map<String, Value> {
    serde_json::from_str(Profile::by_id(provider).unwrap().example_claims).unwrap()
}

fn policy_for(claims: &Map<String, Value>, scope: TokenScope) -> (Policy, String) {
    let g = generate(&intent_from_token(claims, scope, ACCOUNT, false).unwrap()).unwrap();
    (
        policy::parse(&g.render(Format::Json)).unwrap(),
        g.principal(),
    )
}

fn allowed(p: &Policy, claims: &Map<String, Value>, principal: &str) -> bool {
    let input = rolecall::CheckInput {
        claims,
        provider: Some(principal),
        source_ip: None,
        now: rolecall::model::Options::default().now,
        extra: &[],
    };
    rolecall::check(p, &input, None).unwrap().verdict == Verdict::Allow
}

/// `claims` with `from` replaced by `to` in every string claim: one fact changed everywhere
/// it is derived, as the provider would issue it.
fn moved(claims: &Map<String, Value>, from: &str, to: &str) -> Map<String, Value> {
    claims
        .iter()
        .map(|(k, v)| match v {
            Value::String(s) => (k.clone(), Value::String(s.replace(from, to))),
            other => (k.clone(), other.clone()),
        })
        .collect()
}

fn assert_lints_clean(p: &Policy, name: &str) {
    let bad: Vec<String> = lint::lint(p, &Config::default(), name)
        .into_iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| format!("{}: {}", f.rule, f.message))
        .collect();
    assert!(bad.is_empty(), "{name} lints with findings: {bad:#?}");
}

#[test]
fn each_token_gives_a_policy_that_admits_it_and_refuses_its_neighbour() {
    // (provider, scope, a fact of the token, the same fact of an outsider)
    let cases = [
        (
            "hcp-terraform",
            TokenScope::Repository,
            "payments-prod",
            "payments-dev",
        ),
        (
            "hcp-terraform",
            TokenScope::Repository,
            "platform",
            "sandbox",
        ),
        (
            "circleci",
            TokenScope::Repository,
            "6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d",
            "6a7b8c9d-0e1f-4a2b-9c3d-000000000000",
        ),
        (
            "buildkite",
            TokenScope::Repository,
            "payments-deploy",
            "payments-test",
        ),
        ("buildkite", TokenScope::Branch, "main", "feature"),
        (
            "semaphore",
            TokenScope::Branch,
            "refs/heads/main",
            "refs/heads/feature",
        ),
    ];
    for (provider, scope, fact, other) in cases {
        let claims = example(provider);
        let (p, principal) = policy_for(&claims, scope);
        let name = format!("{provider} {scope:?}");
        assert!(
            allowed(&p, &claims, &principal),
            "{name}: its own token refused"
        );
        let outsider = moved(&claims, fact, other);
        assert_ne!(outsider, claims, "{name}: the outsider differs");
        assert!(
            !allowed(&p, &outsider, &principal),
            "{name}: `{other}` admitted"
        );
        assert_lints_clean(&p, &name);
    }
}

#[test]
fn hcp_terraform_workspace_admits_both_run_phases() {
    let claims = example("hcp-terraform");
    let (p, principal) = policy_for(&claims, TokenScope::Repository);
    let plan = moved(&claims, "apply", "plan");
    assert!(
        allowed(&p, &plan, &principal),
        "the plan phase of the workspace refused"
    );
}

#[test]
fn scopes_without_a_unit_are_refused_with_what_to_ask_for() {
    for (provider, scope, says) in [
        ("hcp-terraform", TokenScope::Environment, "`repository`"),
        ("hcp-terraform", TokenScope::Branch, "`repository`"),
        ("circleci", TokenScope::Environment, "`repository`"),
        ("circleci", TokenScope::Branch, "`repository`"),
        ("buildkite", TokenScope::Environment, "`branch`"),
        ("semaphore", TokenScope::Repository, "pull-request"),
        ("semaphore", TokenScope::Environment, "`branch`"),
    ] {
        let e = intent_from_token(&example(provider), scope, ACCOUNT, false).unwrap_err();
        assert!(e.message.contains(says), "{provider} {scope:?}: {e}");
    }
    // A Semaphore tag job is not a branch.
    let tag = moved(&example("semaphore"), "branch", "tag");
    let e = intent_from_token(&tag, TokenScope::Branch, ACCOUNT, false).unwrap_err();
    assert!(e.message.contains("not from a branch job"), "{e}");
}
