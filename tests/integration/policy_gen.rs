//! `rolecall policy`: for every provider and scope, the generated policy in every form (IAM
//! JSON, CloudFormation, Terraform, CDK), read back, is the same policy; it lints clean, `who`
//! names exactly the scope asked for, and outsiders are refused. The seed's own policies come
//! out of the seed's token. The scopes are in `policy_gen_cases`.

use std::path::Path;

use rolecall::generate::{cdk, generate, Format, Generated, Intent, Scope};
use rolecall::lint::{self, Config, Severity};
use rolecall::model::{self, Options};
use rolecall::providers::Tenancy;
use rolecall::source::{cloudformation, terraform_hcl};
use rolecall::{policy, Policy, Verdict};
use serde_json::{Map, Value};

use crate::common::{path, rolecall};
use crate::policy_gen_cases::{cases, Case, ENV, REPO, WS_UUID};

const ACCOUNT: &str = "123456789012";

fn intent(scope: &Scope, account: &str) -> Intent {
    Intent {
        scope: scope.clone(),
        account: account.into(),
        tag_session: false,
    }
}

fn gen(scope: &Scope, account: &str) -> Generated {
    generate(&intent(scope, account)).unwrap()
}

fn no_new_access(base: &Policy, head: &Policy) -> bool {
    !model::diff(base, head, &Options::default())
        .unwrap()
        .is_wider()
}

/// The same document once read: the same policy, whatever the form's layout.
fn same_policy(a: &Policy, b: &Policy) -> bool {
    a.to_json() == b.to_json()
}

fn from_cloudformation(text: &str) -> Policy {
    let out = cloudformation::read(Path::new("generated.yaml"), text);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(out.found.len(), 1);
    let tree = out.found[0].tree.as_ref().unwrap();
    policy::from_node(tree, "").unwrap()
}

/// The `.tf` form through the HCL reader, its account placeholder (the
/// `aws_caller_identity` reference) put back as `account`.
fn from_terraform(text: &str, account: &str, builtin: bool) -> Policy {
    let out = terraform_hcl::read_text(Path::new("main.tf"), text.as_bytes().to_vec());
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(out.found.len(), 1);
    let found = &out.found[0];
    let mut doc = policy::from_node(found.tree.as_ref().unwrap(), "")
        .unwrap()
        .to_json()
        .to_string();
    // An ARN principal names the account through the data source; AWS's own providers do not.
    assert_eq!(found.placeholders.is_empty(), builtin, "{doc}");
    for p in &found.placeholders {
        doc = doc.replace(&p.text, account);
    }
    policy::parse(&doc).unwrap()
}

fn allowed(p: &Policy, claims: &Map<String, Value>, principal: &str) -> bool {
    let input = rolecall::CheckInput {
        claims,
        provider: Some(principal),
        source_ip: None,
        now: Options::default().now,
        extra: &[],
    };
    rolecall::check(p, &input, None).unwrap().verdict == Verdict::Allow
}

/// The lint configuration of the proof: the self-hosted instances of the cases (GitLab,
/// Jenkins) declared as `rolecall.toml` would, so their kind's rules apply to them.
fn config() -> Config {
    let instance = |issuer: &str, kind: &str| lint::Instance {
        issuer: issuer.into(),
        kind: rolecall::providers::Profile::by_id(kind).unwrap(),
        tenancy: Tenancy::PerTenant { unit: "instance" },
        templates: Vec::new(),
    };
    Config {
        instances: vec![
            instance("gitlab.acme.example", "gitlab"),
            instance("jenkins.acme.example/oidc", "jenkins"),
        ],
        ..Config::default()
    }
}

fn assert_lints_clean(p: &Policy, name: &str) {
    let bad: Vec<String> = lint::lint(p, &config(), name)
        .into_iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| format!("{}: {}", f.rule, f.message))
        .collect();
    assert!(bad.is_empty(), "{name} lints with findings: {bad:#?}");
}

/// `value` with `from` replaced by `to`, in a string or in each string of an array.
fn edited(value: &Value, from: &str, to: &str) -> Option<Value> {
    match value {
        Value::String(s) if s.contains(from) => Some(Value::String(s.replace(from, to))),
        Value::Array(items)
            if items
                .iter()
                .any(|v| v.as_str().is_some_and(|s| s.contains(from))) =>
        {
            Some(Value::Array(
                items
                    .iter()
                    .map(|v| edited(v, from, to).unwrap_or_else(|| v.clone()))
                    .collect(),
            ))
        }
        _ => None,
    }
}

/// `who` names exactly the asked scope (each pinned field admits the asked value and no
/// other), its witnesses are admitted, and each outsider is refused.
fn assert_scope(p: &Policy, case: &Case) {
    let who = model::who(p, &Options::default()).unwrap();
    assert!(!who.lines.is_empty(), "{}: admits nobody", case.name);
    for line in &who.lines {
        for (field, value) in &case.pinned {
            let admitted = line
                .constrained
                .iter()
                .find(|(f, _)| f == field)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let only_asked = admitted == vec![Some(value.to_string())];
            assert!(
                only_asked,
                "{}: `who` line `{}` admits {field} {admitted:?}, not just `{value}`",
                case.name, line.summary
            );
        }
        let w = &line.witness;
        assert!(
            allowed(p, &w.claims, &w.principal),
            "{}: witness refused",
            case.name
        );
        for (claim, from, to) in &case.outsiders {
            let mut claims = w.claims.clone();
            let value = claims.get(*claim).and_then(|v| edited(v, from, to));
            let Some(value) = value else {
                panic!(
                    "{}: witness {claim} {:?} lacks `{from}`",
                    case.name,
                    claims.get(*claim)
                );
            };
            claims.insert(claim.to_string(), value);
            assert!(
                !allowed(p, &claims, &w.principal),
                "{}: outsider with {claim} `{from}` -> `{to}` admitted",
                case.name
            );
        }
    }
}

/// The proof, for every provider and scope: the JSON form lints clean and `who` states the
/// scope; the CloudFormation, Terraform and CDK forms, each read back, are the same policy
/// (with the account each form leaves to its tool filled in) and lint clean too.
#[test]
fn every_scope_in_every_form_is_one_policy_that_lints_clean_and_admits_the_scope() {
    for case in cases() {
        let g = gen(&case.scope, ACCOUNT);
        let json = policy::parse(&g.render(Format::Json)).unwrap();
        assert_lints_clean(&json, case.name);
        assert_scope(&json, &case);
        // CloudFormation's reader reads `${AWS::AccountId}` as its own placeholder account.
        let cfn_json =
            policy::parse(&gen(&case.scope, cloudformation::ACCOUNT_ID).render(Format::Json))
                .unwrap();
        let cfn = from_cloudformation(&g.render(Format::CloudFormation));
        assert!(
            same_policy(&cfn_json, &cfn),
            "{}: CloudFormation differs",
            case.name
        );
        let tf = from_terraform(&g.render(Format::Terraform), ACCOUNT, g.builtin);
        assert!(same_policy(&json, &tf), "{}: Terraform differs", case.name);
        let cdk = policy::parse(&cdk::read(&g.render(Format::Cdk), ACCOUNT).unwrap()).unwrap();
        assert!(same_policy(&json, &cdk), "{}: CDK differs", case.name);
        for (form, p) in [("cloudformation", &cfn), ("terraform", &tf), ("cdk", &cdk)] {
            assert_lints_clean(p, &format!("{} ({form})", case.name));
        }
    }
}

/// Session tagging, asked for, reaches every form: the read-back CDK and Terraform policies
/// are the JSON one with `sts:TagSession`.
#[test]
fn only_web_identity_and_tag_session_when_asked() {
    for case in cases() {
        for tag_session in [false, true] {
            let mut i = intent(&case.scope, ACCOUNT);
            i.tag_session = tag_session;
            let g = generate(&i).unwrap();
            let doc: Value = serde_json::from_str(&g.render(Format::Json)).unwrap();
            let action = &doc["Statement"][0]["Action"];
            let want = if tag_session {
                serde_json::json!(["sts:AssumeRoleWithWebIdentity", "sts:TagSession"])
            } else {
                serde_json::json!("sts:AssumeRoleWithWebIdentity")
            };
            assert_eq!(action, &want, "{}", case.name);
            let aud = doc["Statement"][0]["Condition"]["StringEquals"]
                .as_object()
                .unwrap()
                .keys()
                .any(|k| k.ends_with(":aud"));
            assert!(aud, "{}: no aud under StringEquals", case.name);
            let json = policy::parse(&doc.to_string()).unwrap();
            let cdk = policy::parse(&cdk::read(&g.render(Format::Cdk), ACCOUNT).unwrap()).unwrap();
            assert_eq!(json.to_json(), cdk.to_json(), "{}: CDK actions", case.name);
            // Terraform's policy document keeps actions as a set.
            let tf = from_terraform(&g.render(Format::Terraform), ACCOUNT, g.builtin);
            let mut actions = tf.to_json()["Statement"][0]["Action"].clone();
            if let Value::Array(a) = &mut actions {
                a.sort_by_key(|v| v.as_str().map(str::to_string));
            }
            let want = match want {
                Value::String(one) => Value::Array(vec![Value::String(one)]),
                many => many,
            };
            assert_eq!(actions, want, "{}: Terraform actions", case.name);
        }
    }
}

/// The seed's policy with the audience condition the generator always adds.
fn seed_with_audience(file: &str) -> Policy {
    let text = std::fs::read_to_string(path(&format!("corpus/policies/seed/{file}"))).unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    let prefix = "api.bitbucket.org/2.0/workspaces/bbcitest/pipelines-config/identity/oidc";
    doc["Statement"][0]["Condition"]["StringEquals"] = serde_json::json!({
        format!("{prefix}:aud"): "ari:cloud:bitbucket::workspace/922e118c-f34f-4226-a897-0e0afbec553d"
    });
    policy::parse(&doc.to_string()).unwrap()
}

#[test]
fn the_seed_token_gives_the_seed_policies() {
    let token = path("corpus/tokens/bitbucket-seed.jwt");
    let claims: Map<String, Value> = serde_json::from_str(
        &std::fs::read_to_string(path("corpus/tokens/bitbucket-seed.claims.json")).unwrap(),
    )
    .unwrap();
    for (scope, file) in [
        ("repository", "policy-repository.json"),
        ("environment", "policy-environment.json"),
    ] {
        let run = rolecall(
            &[
                "policy",
                "--from-token",
                token.to_str().unwrap(),
                "--scope",
                scope,
                "--account",
                "123456789012",
            ],
            None,
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let generated = policy::parse(&run.stdout).unwrap();
        let seed = policy::parse(
            &std::fs::read_to_string(path(&format!("corpus/policies/seed/{file}"))).unwrap(),
        )
        .unwrap();
        // The seed's policies have no `aud` condition; with it added they are the same
        // document, up to formatting, and (by the model) admit the same requests.
        let seed_aud = seed_with_audience(file);
        // The seed's environment policy writes `{repo}*:{env}:*`: a `*` right after a whole
        // braced UUID matches nothing in a real subject, whose fields are braced UUIDs (the
        // model checks below that both admit the same requests), so it is dropped before the
        // documents are compared.
        let seed_doc = seed_aud.to_json().to_string().replace("}*:", "}:");
        assert_eq!(
            generated.to_json(),
            serde_json::from_str::<Value>(&seed_doc).unwrap(),
            "{scope}: not the seed's policy"
        );
        assert!(
            no_new_access(&seed_aud, &generated),
            "{scope}: generated admits more than the seed"
        );
        assert!(
            no_new_access(&generated, &seed_aud),
            "{scope}: the seed admits more than generated"
        );
        assert!(
            no_new_access(&seed, &generated),
            "{scope}: generated is wider than the seed"
        );
        let principal = generated.statements[0].principal.clone();
        let rolecall::policy::Principal::Entries(entries, _) = principal else {
            panic!()
        };
        let arn = entries[0].value.clone();
        assert!(
            allowed(&generated, &claims, &arn),
            "{scope}: the token's own identity refused"
        );
        let sub = claims["sub"].as_str().unwrap();
        let other = match scope {
            "repository" => sub.replace(REPO, "{0badc0de-0000-4000-8000-00000000beef}"),
            _ => sub.replace(ENV, "{0badc0de-0000-4000-8000-0000000000e0}"),
        };
        let mut outsider = claims.clone();
        outsider.insert("sub".into(), Value::String(other));
        assert!(
            !allowed(&generated, &outsider, &arn),
            "{scope}: another {scope} admitted"
        );
    }
}

#[test]
fn bad_requests_exit_2_and_never_print_the_token() {
    let token = path("corpus/tokens/bitbucket-seed.jwt");
    let raw = std::fs::read_to_string(&token).unwrap();
    let branch = rolecall(
        &[
            "policy",
            "--from-token",
            token.to_str().unwrap(),
            "--scope",
            "branch",
            "--account",
            "123456789012",
        ],
        None,
    );
    assert_eq!(branch.code, 2);
    assert!(branch.stderr.contains("branchName"), "{}", branch.stderr);
    assert!(!branch.stderr.contains(raw.trim()) && branch.stdout.is_empty());
    let not_a_token = path("corpus/policies/seed/policy-repository.json");
    let bad = rolecall(
        &[
            "policy",
            "--from-token",
            not_a_token.to_str().unwrap(),
            "--scope",
            "repository",
            "--account",
            "123456789012",
        ],
        None,
    );
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    for args in [
        &["policy", "nosuch", "--account", "123456789012"][..],
        &[
            "policy",
            "github",
            "--repository",
            "acme/app",
            "--account",
            "123456789012",
        ],
        &[
            "policy",
            "github",
            "--repository",
            "acme/app",
            "--branch",
            "main",
            "--account",
            "12",
        ],
        &[
            "policy",
            "bitbucket",
            "--workspace",
            "w",
            "--workspace-uuid",
            WS_UUID,
            "--repository",
            "{1de4*",
            "--account",
            "123456789012",
        ],
    ] {
        let run = rolecall(args, None);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
    }
}

#[test]
fn the_cli_writes_each_form() {
    for (format, marker) in [
        ("json", "\"Version\": \"2012-10-17\""),
        (
            "cloudformation",
            "!Sub \"arn:aws:iam::${AWS::AccountId}:oidc-provider/gitlab.com\"",
        ),
        ("terraform", "data \"aws_iam_policy_document\""),
        ("cdk", "new iam.FederatedPrincipal("),
    ] {
        let run = rolecall(
            &[
                "policy",
                "gitlab",
                "--project",
                "g/p",
                "--protected-branch",
                "main",
                "--account",
                "123456789012",
                "--format",
                format,
            ],
            None,
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stdout.contains(marker), "{format}: {}", run.stdout);
    }
}

/// The command line reaches every provider: each case's flags print the case's JSON policy.
#[test]
fn the_cli_flags_of_each_provider_give_the_library_policy() {
    let runs: &[(&str, &[&str])] = &[
        (
            "buildkite-branch",
            &[
                "buildkite",
                "--organization",
                "acme",
                "--pipeline",
                "payments-deploy",
                "--branch",
                "main",
            ],
        ),
        (
            "eks-service-account",
            &[
                "eks-irsa",
                "--region",
                "eu-west-1",
                "--cluster-id",
                "5C1DE4A3B2F0E9D8C7B6A5F4E3D2C1B0",
                "--namespace",
                "payments",
                "--service-account",
                "payments-api",
            ],
        ),
        (
            "spacelift-tracked-read",
            &[
                "spacelift",
                "--provider-account",
                "acme",
                "--space",
                "legacy",
                "--stack",
                "payments-prod",
                "--run-type",
                "TRACKED",
                "--read-only",
            ],
        ),
        (
            "azure-devops-service-connection",
            &[
                "azure-devops",
                "--org-id",
                "61c028b9-510c-4f84-bfb2-f48d33b6b542",
                "--organization",
                "acme",
                "--project",
                "payments",
                "--service-connection",
                "aws-prod",
            ],
        ),
        (
            "harness-project",
            &[
                "harness",
                "--provider-account",
                "Hue1lBsaSx2APlXjzVEPIg",
                "--organization",
                "default",
                "--project",
                "payments",
            ],
        ),
        (
            "semaphore-tag",
            &[
                "semaphore",
                "--organization",
                "acme",
                "--project-id",
                "936a5312-a3b8-4921-8b3f-2cec8baac574",
                "--repository",
                "payments-api",
                "--tag",
                "v1.0.0",
            ],
        ),
        (
            "codefresh-cron",
            &[
                "codefresh",
                "--provider-account",
                "5f30ebd30312313ae7f17948",
                "--pipeline",
                "64de5cd47626b3ca134e760a",
            ],
        ),
        (
            "scalr-workspace",
            &[
                "scalr",
                "--provider-account",
                "acme",
                "--environment",
                "production",
                "--workspace",
                "payments",
                "--audience",
                "aws.scalr.acme",
            ],
        ),
        (
            "env0-organization",
            &["env0", "--oidc-user", "auth0|64c1f0a2b3c4d5e6f7a8b9c0"],
        ),
        (
            "google-service-account",
            &["google", "--service-account-id", "113456789012345678901"],
        ),
        (
            "cognito-authenticated",
            &[
                "cognito-identity",
                "--identity-pool",
                "eu-west-1:5c1de4a3-b2f0-4e9d-8c7b-6a5f4e3d2c1b",
            ],
        ),
        (
            "github-enterprise-environment",
            &[
                "github",
                "--repository",
                "acme/app",
                "--environment",
                "production",
                "--enterprise",
                "acme-corp",
            ],
        ),
        (
            "jenkins-job",
            &[
                "jenkins",
                "--host",
                "jenkins.acme.example",
                "--job",
                "payments/deploy",
            ],
        ),
        (
            "gitlab-self-managed-branch",
            &[
                "gitlab",
                "--host",
                "gitlab.acme.example",
                "--project",
                "acme/payments-api",
                "--branch",
                "main",
            ],
        ),
    ];
    let all = cases();
    for (name, flags) in runs {
        let case = all.iter().find(|c| c.name == *name).unwrap();
        let mut args = vec!["policy"];
        args.extend_from_slice(flags);
        args.extend_from_slice(&["--account", ACCOUNT]);
        let run = rolecall(&args, None);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        assert_eq!(
            run.stdout,
            gen(&case.scope, ACCOUNT).render(Format::Json),
            "{name}"
        );
    }
    // A flag the provider cannot express is refused with the reason, never ignored.
    let run = rolecall(
        &[
            "policy",
            "azure-devops",
            "--org-id",
            "61c028b9-510c-4f84-bfb2-f48d33b6b542",
            "--organization",
            "acme",
            "--project",
            "p",
            "--pipeline",
            "d",
            "--branch",
            "main",
            "--account",
            ACCOUNT,
        ],
        None,
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("`rpo_ref`"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}
