//! `rolecall policy`: for every provider and scope, the generated policy in every form is the
//! same policy, lints clean, admits exactly the scope asked for (by `who`, the evaluator and
//! an outsider per scoped field), and the seed's own policies come out of the seed's token.

use std::path::Path;

use rolecall::generate::{generate, Format, Generated, GitHubContext, GitLabRef, Intent, Scope};
use rolecall::lint::{self, Config, Severity};
use rolecall::model::{self, Options};
use rolecall::source::cloudformation;
use rolecall::{policy, Policy, Verdict};
use serde_json::{Map, Value};

use crate::common::{path, rolecall};

const REPO: &str = "{1de489be-ce6a-42a0-a8c8-eadbf1174ac7}";
const ENV: &str = "{bd715740-c970-486b-b68a-b421ec2a1f8b}";
const WS_UUID: &str = "{922e118c-f34f-4226-a897-0e0afbec553d}";
const ORG_ID: &str = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
const PROJECT_ID: &str = "6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d";

/// One provider scope: the intent, the subject fields `who` must pin (field, value), and
/// outsiders: `(claim, from, to)` edits of the witness that leave the scope.
struct Case {
    name: &'static str,
    scope: Scope,
    pinned: Vec<(&'static str, &'static str)>,
    outsiders: Vec<(&'static str, &'static str, &'static str)>,
}

fn github(context: GitHubContext, ids: bool) -> Scope {
    Scope::GitHub {
        owner: "acme".into(),
        repo: "app".into(),
        ids: ids.then(|| ("1234567".into(), "98765432".into())),
        context,
    }
}

fn cases() -> Vec<Case> {
    let bitbucket = |env: Option<&str>| Scope::Bitbucket {
        workspace: "bbcitest".into(),
        workspace_uuid: WS_UUID.into(),
        repository: REPO.into(),
        environment: env.map(str::to_string),
    };
    let other_repo = ("sub", REPO, "{0badc0de-0000-4000-8000-00000000beef}");
    let gitlab = |project_id: Option<&str>, git_ref: GitLabRef| Scope::GitLab {
        project: "acme/payments-api".into(),
        project_id: project_id.map(str::to_string),
        git_ref,
    };
    vec![
        Case {
            name: "bitbucket-repository",
            scope: bitbucket(None),
            pinned: vec![("repository", REPO)],
            outsiders: vec![other_repo, ("aud", "922e118c", "0badc0de")],
        },
        Case {
            name: "bitbucket-environment",
            scope: bitbucket(Some(ENV)),
            pinned: vec![("repository", REPO), ("environment", ENV)],
            outsiders: vec![
                other_repo,
                ("sub", ENV, "{0badc0de-0000-4000-8000-0000000000e0}"),
            ],
        },
        Case {
            name: "github-environment",
            scope: github(GitHubContext::Environment("production".into()), false),
            pinned: vec![
                ("owner", "acme"),
                ("repo", "app"),
                ("environment", "production"),
            ],
            outsiders: vec![
                ("sub", "production", "staging"),
                ("sub", "acme/app", "acme/other"),
                ("aud", "sts.amazonaws.com", "https://github.com/acme"),
            ],
        },
        Case {
            name: "github-branch",
            scope: github(GitHubContext::Branch("main".into()), false),
            pinned: vec![("owner", "acme"), ("repo", "app"), ("branch", "main")],
            outsiders: vec![
                ("sub", "heads/main", "heads/feature"),
                ("sub", "acme/", "evil/"),
            ],
        },
        Case {
            name: "github-tag",
            scope: github(GitHubContext::Tag("v1.0.0".into()), false),
            pinned: vec![("owner", "acme"), ("repo", "app"), ("tag", "v1.0.0")],
            outsiders: vec![("sub", "tags/v1.0.0", "tags/v1.0.1")],
        },
        Case {
            name: "github-branch-immutable",
            scope: github(GitHubContext::Branch("main".into()), true),
            pinned: vec![
                ("owner", "acme"),
                ("owner_id", "1234567"),
                ("repo", "app"),
                ("repo_id", "98765432"),
                ("branch", "main"),
            ],
            outsiders: vec![
                ("sub", "@98765432", "@23456789"),
                ("sub", "heads/main", "heads/x"),
            ],
        },
        Case {
            name: "gitlab-protected-branch",
            scope: gitlab(
                Some("4242"),
                GitLabRef::Branch {
                    name: "main".into(),
                    protected: true,
                },
            ),
            pinned: vec![
                ("group", "acme"),
                ("project", "payments-api"),
                ("branch", "main"),
            ],
            outsiders: vec![
                ("sub", "ref:main", "ref:feature"),
                ("ref_protected", "true", "false"),
                ("project_id", "4242", "4343"),
            ],
        },
        Case {
            name: "gitlab-tag",
            scope: gitlab(None, GitLabRef::Tag("v2.3.1".into())),
            pinned: vec![
                ("group", "acme"),
                ("project", "payments-api"),
                ("tag", "v2.3.1"),
            ],
            outsiders: vec![
                ("sub", "ref:v2.3.1", "ref:v9"),
                ("sub", "payments-api", "other"),
            ],
        },
        Case {
            name: "hcp-terraform-apply",
            scope: Scope::HcpTerraform {
                organization: "acme".into(),
                project: "platform".into(),
                workspace: "payments-prod".into(),
                run_phase: Some("apply".into()),
            },
            pinned: vec![
                ("organization", "acme"),
                ("project", "platform"),
                ("workspace", "payments-prod"),
                ("run_phase", "apply"),
            ],
            outsiders: vec![
                ("sub", "run_phase:apply", "run_phase:plan"),
                ("sub", "organization:acme", "organization:evil"),
            ],
        },
        Case {
            name: "circleci-project",
            scope: Scope::CircleCi {
                org_id: ORG_ID.into(),
                project_id: PROJECT_ID.into(),
            },
            pinned: vec![("project", PROJECT_ID)],
            outsiders: vec![("sub", PROJECT_ID, "0badc0de-0000-4000-8000-0000000000f0")],
        },
    ]
}

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

fn same_policy(a: &Policy, b: &Policy) -> bool {
    a.to_json() == b.to_json() && no_new_access(a, b) && no_new_access(b, a)
}

fn from_cloudformation(text: &str) -> Policy {
    let out = cloudformation::read(Path::new("generated.yaml"), text);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(out.found.len(), 1);
    let tree = out.found[0].tree.as_ref().unwrap();
    policy::from_node(tree, "").unwrap()
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

fn assert_lints_clean(p: &Policy, name: &str) {
    let bad: Vec<String> = lint::lint(p, &Config::default(), name)
        .into_iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| format!("{}: {}", f.rule, f.message))
        .collect();
    assert!(bad.is_empty(), "{name} lints with findings: {bad:#?}");
}

/// `who` names exactly the asked scope, its witness is inside, and each outsider is refused.
fn assert_scope(p: &Policy, case: &Case) {
    let who = model::who(p, &Options::default()).unwrap();
    assert!(!who.lines.is_empty(), "{}: admits nobody", case.name);
    for line in &who.lines {
        for (field, value) in &case.pinned {
            let admitted = line
                .constrained
                .iter()
                .find(|(f, _)| f == field)
                .map(|(_, v)| v.clone());
            assert_eq!(
                admitted,
                Some(vec![Some(value.to_string())]),
                "{}: `who` line `{}` does not pin {field} to {value}",
                case.name,
                line.summary
            );
            let in_witness = line.witness.fields.iter().find(|(f, _)| f == field);
            assert_eq!(in_witness.and_then(|(_, v)| v.as_deref()), Some(*value));
        }
        let w = &line.witness;
        assert!(
            allowed(p, &w.claims, &w.principal),
            "{}: witness refused",
            case.name
        );
        for (claim, from, to) in &case.outsiders {
            let mut claims = w.claims.clone();
            let value = claims
                .get(*claim)
                .and_then(Value::as_str)
                .unwrap()
                .to_string();
            assert!(
                value.contains(from),
                "{}: {claim} `{value}` lacks `{from}`",
                case.name
            );
            claims.insert(claim.to_string(), Value::String(value.replace(from, to)));
            assert!(
                !allowed(p, &claims, &w.principal),
                "{}: outsider with {claim} `{from}` -> `{to}` admitted",
                case.name
            );
        }
    }
}

#[test]
fn every_scope_in_json_and_cloudformation_is_one_policy_that_lints_clean_and_admits_the_scope() {
    for case in cases() {
        let g = gen(&case.scope, "123456789012");
        let json = policy::parse(&g.render(Format::Json)).unwrap();
        assert_lints_clean(&json, case.name);
        assert_scope(&json, &case);
        // CloudFormation's reader reads `${AWS::AccountId}` as its placeholder account.
        let cfn_json =
            policy::parse(&gen(&case.scope, cloudformation::ACCOUNT_ID).render(Format::Json))
                .unwrap();
        let cfn = from_cloudformation(&g.render(Format::CloudFormation));
        assert!(
            same_policy(&cfn_json, &cfn),
            "{}: CloudFormation form differs",
            case.name
        );
        assert_lints_clean(&cfn, case.name);
    }
}

#[test]
fn only_web_identity_and_tag_session_when_asked() {
    for case in cases() {
        for tag_session in [false, true] {
            let mut i = intent(&case.scope, "123456789012");
            i.tag_session = tag_session;
            let doc: Value =
                serde_json::from_str(&generate(&i).unwrap().render(Format::Json)).unwrap();
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
        }
    }
}

/// Balanced `{}`/`[]`/`()` outside strings, and every string closed.
fn balanced(text: &str) -> bool {
    let mut stack = Vec::new();
    let mut in_str: Option<char> = None;
    let mut escaped = false;
    for c in text.chars() {
        if let Some(q) = in_str {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                in_str = None;
            }
            continue;
        }
        match c {
            '"' | '\'' | '`' => in_str = Some(c),
            '{' | '[' | '(' => stack.push(c),
            '}' | ']' | ')' => {
                let open = match c {
                    '}' => '{',
                    ']' => '[',
                    _ => '(',
                };
                if stack.pop() != Some(open) {
                    return false;
                }
            }
            _ => {}
        }
    }
    stack.is_empty() && in_str.is_none()
}

/// No HCL or CDK reader on this branch: the forms are checked for shape, and every condition
/// appears with its operator, key and value.
#[test]
fn terraform_and_cdk_forms_are_well_formed_and_carry_every_condition() {
    for case in cases() {
        let g = gen(&case.scope, "123456789012");
        let tf = g.render(Format::Terraform);
        let cdk = g.render(Format::Cdk);
        assert!(balanced(&tf), "{}: {tf}", case.name);
        assert!(balanced(&cdk), "{}: {cdk}", case.name);
        assert!(tf.contains("data \"aws_iam_policy_document\" \"trust\""));
        assert!(tf.contains("assume_role_policy = data.aws_iam_policy_document.trust.json"));
        assert!(tf.contains(&format!(":oidc-provider/{}\"]", g.issuer)));
        assert!(cdk.contains(&format!(":oidc-provider/{}`", g.issuer)));
        for c in &g.conditions {
            let key = format!("{}:{}", g.issuer, c.claim);
            let block = format!(
                "test     = \"{}\"\n      variable = {}\n      values   = [{}]",
                c.compare.operator(),
                serde_json::to_string(&key).unwrap(),
                serde_json::to_string(&c.value).unwrap()
            );
            assert!(tf.contains(&block), "{}: {tf}", case.name);
            let pair = format!(
                "{}: {},",
                serde_json::to_string(&key).unwrap(),
                serde_json::to_string(&c.value).unwrap()
            );
            assert!(cdk.contains(&pair), "{}: {cdk}", case.name);
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
        // The seed's policies have no `aud` condition; with it added they are the same policy.
        let seed_aud = seed_with_audience(file);
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

/// The Terraform form, read back by the HCL reader, is the JSON form: the account (an
/// `aws_caller_identity` placeholder in the `.tf`) put back, the two admit the same requests.
#[test]
fn every_scope_in_terraform_reads_back_as_the_json_policy() {
    let dir = tempfile::TempDir::new().unwrap();
    for case in cases() {
        let g = gen(&case.scope, "123456789012");
        let json = policy::parse(&g.render(Format::Json)).unwrap();
        let module = dir.path().join(case.name);
        std::fs::create_dir_all(&module).unwrap();
        let tf = module.join("main.tf");
        std::fs::write(&tf, g.render(Format::Terraform)).unwrap();
        let out = rolecall::source::terraform_hcl::read_roots(&[tf]);
        assert!(out.errors.is_empty(), "{}: {:?}", case.name, out.errors);
        assert_eq!(out.found.len(), 1, "{}", case.name);
        let found = &out.found[0];
        let tree = found.tree.as_ref().unwrap();
        let mut text = policy::from_node(tree, "").unwrap().to_json().to_string();
        assert!(
            !found.placeholders.is_empty(),
            "{}: account not a placeholder",
            case.name
        );
        for p in &found.placeholders {
            text = text.replace(&p.text, "123456789012");
        }
        let tf_policy = policy::parse(&text).unwrap();
        assert!(
            no_new_access(&json, &tf_policy) && no_new_access(&tf_policy, &json),
            "{}: Terraform form admits other requests than the JSON form:\n{text}",
            case.name
        );
        assert_lints_clean(&tf_policy, case.name);
    }
}
