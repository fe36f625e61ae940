//! The CloudFormation, SAM, CDK and Terraform plan readers: each role at its address, each
//! deciding value at the user's own line, placeholders named, and the same insecure policy
//! giving the same findings whatever form it is written in.

use std::path::Path;

use rolecall::json::line_col;
use rolecall::lint::{self, Config, Finding};
use rolecall::policy;
use rolecall::source::{cloudformation, terraform_plan, Found, ReadOutput};

use crate::common::path;

/// GitHub: any repository whose name starts with `acme`, including `acme-evil/x`.
const GITHUB_ACME_STAR: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {
      "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
      "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme*"}
    }
  }]
}"#;

/// Bitbucket: an audience condition and no `sub`, as the AWS console writes it.
const BITBUCKET_NO_SUB: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/api.bitbucket.org/2.0/workspaces/bbcitest/pipelines-config/identity/oidc"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {
      "StringEquals": {"api.bitbucket.org/2.0/workspaces/bbcitest/pipelines-config/identity/oidc:aud": "ari:cloud:bitbucket::workspace/922e118c-f34f-4226-a897-0e0afbec553d"}
    }
  }]
}"#;

fn read_cfn(rel: &str) -> ReadOutput {
    let p = path(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(
        cloudformation::sniff(&text),
        "{rel} is not recognised as a template"
    );
    assert!(!terraform_plan::sniff(&text), "{rel} is taken for a plan");
    cloudformation::read(&p, &text)
}

fn read_plan(rel: &str) -> ReadOutput {
    let p = path(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(
        terraform_plan::sniff(&text),
        "{rel} is not recognised as a plan"
    );
    assert!(
        !cloudformation::sniff(&text),
        "{rel} is taken for a template"
    );
    terraform_plan::read(&p, &text)
}

fn role<'o>(out: &'o ReadOutput, address: &str) -> &'o Found {
    out.found
        .iter()
        .find(|f| f.address == address)
        .unwrap_or_else(|| panic!("no {address} in {:?}", addresses(out)))
}

fn addresses(out: &ReadOutput) -> Vec<&str> {
    out.found.iter().map(|f| f.address.as_str()).collect()
}

fn lint_found(found: &Found) -> Vec<Finding> {
    let tree = found.tree.as_ref().unwrap();
    let policy = policy::from_node(tree, "").unwrap_or_else(|e| panic!("{}: {e:?}", found.address));
    lint::lint(&policy, &Config::default(), &found.address)
}

fn lint_json(text: &str) -> Vec<Finding> {
    lint::lint(
        &policy::parse(text).unwrap(),
        &Config::default(),
        "policy.json",
    )
}

/// Rule ids and witnesses, with the account ID in a witness's provider ARN left out (the
/// template's is the placeholder `000000000000`).
fn outcome(findings: &[Finding]) -> Vec<String> {
    let account = regex::Regex::new(r":iam::[0-9]{12}:").unwrap();
    let mut out: Vec<String> = findings
        .iter()
        .map(|f| {
            let witness = f.witness.as_ref().map(|w| {
                format!(
                    "{:?} {:?} {} {}",
                    w.claims,
                    w.source_ip,
                    account.replace_all(&w.principal, ":iam::ACCOUNT:"),
                    w.who
                )
            });
            format!("{} {:?}", f.rule, witness)
        })
        .collect();
    out.sort();
    out
}

/// The 1-based line of a finding in the file its role was read from.
fn line_of(out: &ReadOutput, f: &Finding) -> usize {
    line_col(&out.files[0].text, f.loc.span.start).0
}

fn line_containing(out: &ReadOutput, needle: &str) -> usize {
    let text = &out.files[0].text;
    line_col(
        text,
        text.find(needle).unwrap_or_else(|| panic!("no {needle}")),
    )
    .0
}

/// Every form of the two insecure policies, by file and address.
const FORMS: &[(&str, &str, &str)] = &[
    (
        "github",
        "corpus/sources/cloudformation/deploy-roles.yaml",
        "Resources.GitHubDeployRole",
    ),
    (
        "github",
        "corpus/sources/cloudformation/deploy-roles.json",
        "Resources.GitHubDeployRole",
    ),
    (
        "github",
        "corpus/sources/cloudformation/sam-template.yaml",
        "Resources.PipelineExecutionRole",
    ),
    (
        "github",
        "corpus/sources/cdk/cdk.out/GithubDeployStack.template.json",
        "Resources.DeployRole3F8A2C1D",
    ),
    (
        "github",
        "corpus/sources/plan/plan.json",
        "module.ci.aws_iam_role.deploy",
    ),
    (
        "bitbucket",
        "corpus/sources/cloudformation/deploy-roles.yaml",
        "Resources.BitbucketDeployRole",
    ),
    (
        "bitbucket",
        "corpus/sources/cloudformation/deploy-roles.json",
        "Resources.BitbucketDeployRole",
    ),
    (
        "bitbucket",
        "corpus/sources/cdk/cdk.out/BitbucketDeployStack.template.json",
        "Resources.PipelinesRoleA1B2C3D4",
    ),
    (
        "bitbucket",
        "corpus/sources/plan/plan.json",
        "aws_iam_role.bitbucket",
    ),
];

fn read_any(rel: &str) -> ReadOutput {
    if rel.ends_with("plan.json") {
        read_plan(rel)
    } else {
        read_cfn(rel)
    }
}

#[test]
fn the_same_insecure_policy_gives_the_same_findings_in_every_form() {
    let github = outcome(&lint_json(GITHUB_ACME_STAR));
    let bitbucket = outcome(&lint_json(BITBUCKET_NO_SUB));
    assert!(
        github
            .iter()
            .any(|f| f.starts_with("cross-tenant-subject Some(")),
        "{github:?}"
    );
    assert!(
        bitbucket
            .iter()
            .any(|f| f.starts_with("missing-subject-condition Some(")),
        "{bitbucket:?}"
    );
    for (which, rel, address) in FORMS {
        let out = read_any(rel);
        assert!(out.errors.is_empty(), "{rel}: {:?}", out.errors);
        let expected = if *which == "github" {
            &github
        } else {
            &bitbucket
        };
        let got = outcome(&lint_found(role(&out, address)));
        assert_eq!(&got, expected, "{rel} {address}");
    }
}

#[test]
fn findings_land_on_the_line_of_the_deciding_value() {
    let cases = [
        (
            "corpus/sources/cloudformation/deploy-roles.yaml",
            "Resources.GitHubDeployRole",
            "!Sub repo:${GitHubOrg}*",
        ),
        (
            "corpus/sources/cloudformation/deploy-roles.json",
            "Resources.GitHubDeployRole",
            "\"token.actions.githubusercontent.com:sub\": {",
        ),
        (
            "corpus/sources/cloudformation/sam-template.yaml",
            "Resources.PipelineExecutionRole",
            "!Sub \"repo:${Org}*\"",
        ),
        (
            "corpus/sources/cdk/cdk.out/GithubDeployStack.template.json",
            "Resources.DeployRole3F8A2C1D",
            "\"repo:acme*\"",
        ),
    ];
    for (rel, address, needle) in cases {
        let out = read_cfn(rel);
        let findings = lint_found(role(&out, address));
        let f = findings
            .iter()
            .find(|f| f.rule == "cross-tenant-subject")
            .unwrap();
        assert_eq!(line_of(&out, f), line_containing(&out, needle), "{rel}");
    }
    // A plan is one line: the span is the escaped value itself.
    let out = read_plan("corpus/sources/plan/plan.json");
    let findings = lint_found(role(&out, "module.ci.aws_iam_role.deploy"));
    let f = findings
        .iter()
        .find(|f| f.rule == "cross-tenant-subject")
        .unwrap();
    assert_eq!(&out.files[0].text[f.loc.span.clone()], r#"\"repo:acme*\""#);
}

#[test]
fn yaml_short_tags_evaluate_parameter_defaults_and_name_resource_references() {
    let out = read_cfn("corpus/sources/cloudformation/deploy-roles.yaml");
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(
        addresses(&out),
        [
            "Resources.GitHubDeployRole",
            "Resources.BitbucketDeployRole",
            "Resources.ReleaseRole"
        ]
    );
    let text = &out.files[0].text;
    let gh = role(&out, "Resources.GitHubDeployRole");
    assert_eq!(
        line_col(text, gh.span.start).0,
        line_containing(&out, "GitHubDeployRole:")
    );
    assert!(gh
        .labels
        .contains(&("role-name".to_string(), "github-deploy".to_string())));
    let tree = gh.tree.as_ref().unwrap();
    let statement = &tree.get("Statement").unwrap().as_array().unwrap()[0];
    // `!Ref GitHubProvider` is the provider's ARN, built from its Url.
    assert_eq!(
        statement
            .get("Principal")
            .unwrap()
            .get("Federated")
            .unwrap()
            .as_str(),
        Some("arn:aws:iam::000000000000:oidc-provider/token.actions.githubusercontent.com")
    );
    let sub = statement
        .get("Condition")
        .unwrap()
        .get("StringLike")
        .unwrap();
    let sub = sub.get("token.actions.githubusercontent.com:sub").unwrap();
    assert_eq!(sub.as_str(), Some("repo:acme*"));
    assert_eq!(&text[sub.span.clone()], "!Sub repo:${GitHubOrg}*");

    // A `${}` inside `!Sub` is located at itself.
    let bitbucket = role(&out, "Resources.BitbucketDeployRole");
    let account = &bitbucket.placeholders[0];
    assert_eq!(
        (account.text.as_str(), account.what.as_str()),
        ("000000000000", "${AWS::AccountId}")
    );
    assert_eq!(&text[account.span.clone()], "${AWS::AccountId}");

    // `!Select`/`!Split` over a parameter default evaluate too.
    let bb = bitbucket.tree.as_ref().unwrap();
    let aud = bb.get("Statement").unwrap().as_array().unwrap()[0]
        .get("Condition")
        .unwrap();
    let aud = aud.get("StringEquals").unwrap().as_object().unwrap()[0]
        .value
        .as_str();
    assert_eq!(
        aud,
        Some("ari:cloud:bitbucket::workspace/922e118c-f34f-4226-a897-0e0afbec553d")
    );

    // A `!Ref` to a resource is a named placeholder; a role's ARN keeps an ARN's shape.
    let release = role(&out, "Resources.ReleaseRole");
    let whats: Vec<&str> = release
        .placeholders
        .iter()
        .map(|p| p.what.as_str())
        .collect();
    assert_eq!(
        whats,
        ["!GetAtt GitHubDeployRole.Arn", "!Ref ExternalIdParameter"]
    );
    let external = &release.placeholders[1];
    assert_eq!(external.text, "<!Ref ExternalIdParameter>");
    assert_eq!(
        line_col(text, external.span.start).0,
        line_containing(&out, "sts:ExternalId")
    );
    let findings = lint_found(release);
    assert!(
        findings.iter().all(|f| f.rule != "malformed-principal"),
        "{:?}",
        findings.iter().map(|f| f.rule).collect::<Vec<_>>()
    );
    let tree = release.tree.as_ref().unwrap().to_value().to_string();
    assert!(
        tree.contains("<!Ref ExternalIdParameter>") && !tree.contains('*'),
        "{tree}"
    );
}

#[test]
fn json_templates_evaluate_long_forms_and_placeholder_the_rest() {
    let out = read_cfn("corpus/sources/cloudformation/deploy-roles.json");
    let session = role(&out, "Resources.SessionRole");
    let tree = session.tree.as_ref().unwrap().to_value().to_string();
    assert!(tree.contains("\"ec2.amazonaws.com\""), "{tree}");
    let whats: Vec<&str> = session
        .placeholders
        .iter()
        .map(|p| p.what.as_str())
        .collect();
    assert_eq!(
        whats,
        ["!ImportValue shared-account-id", "!Ref AWS::Region"]
    );
    for p in &session.placeholders {
        assert!(tree.contains(&p.text));
        assert!(!p.text.contains(['*', '?', '$']));
    }
    policy::from_node(session.tree.as_ref().unwrap(), "").unwrap();
}

#[test]
fn sam_functions_with_a_trust_policy_are_read_and_suppressions_are_kept() {
    let out = read_cfn("corpus/sources/cloudformation/sam-template.yaml");
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(
        addresses(&out),
        ["Resources.EdgeFunction", "Resources.PipelineExecutionRole"]
    );
    let edge = role(&out, "Resources.EdgeFunction");
    assert!(edge.labels.contains(&(
        "generated-by".to_string(),
        "AWS::Serverless::Function".to_string()
    )));
    policy::from_node(edge.tree.as_ref().unwrap(), "").unwrap();
    let pipeline = role(&out, "Resources.PipelineExecutionRole");
    assert_eq!(pipeline.ignores.len(), 1);
    assert_eq!(pipeline.ignores[0].rule, "mutable-subject-name");
    assert!(pipeline.ignores[0]
        .reason
        .starts_with("the acme organisation"));
    assert_eq!(
        line_col(&out.files[0].text, pipeline.ignores[0].span.start).0,
        line_containing(&out, "- rule: mutable-subject-name")
    );
}

#[test]
fn a_cdk_out_directory_reads_every_stack_with_its_cdk_path() {
    let dir = path("corpus/sources/cdk/cdk.out");
    let mut stacks = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        // manifest.json, tree.json and the cdk.out marker are not templates.
        assert_eq!(
            cloudformation::sniff(&text),
            name.ends_with(".template.json"),
            "{name}"
        );
        if cloudformation::sniff(&text) {
            stacks.push((name, cloudformation::read(&p, &text)));
        }
    }
    stacks.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(stacks.len(), 2);
    let (_, bitbucket) = &stacks[0];
    let pipelines = role(bitbucket, "Resources.PipelinesRoleA1B2C3D4");
    assert_eq!(
        pipelines.labels,
        [
            (
                "logical-id".to_string(),
                "PipelinesRoleA1B2C3D4".to_string()
            ),
            (
                "cdk-path".to_string(),
                "BitbucketDeployStack/PipelinesRole/Resource".to_string()
            ),
        ]
    );
    let (_, github) = &stacks[1];
    assert_eq!(github.found.len(), 2, "{:?}", addresses(github));
    let deploy = role(github, "Resources.DeployRole3F8A2C1D");
    assert!(deploy.labels.contains(&(
        "cdk-path".to_string(),
        "GithubDeployStack/DeployRole/Resource".to_string()
    )));
    for (_, out) in &stacks {
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        for f in &out.found {
            policy::from_node(f.tree.as_ref().unwrap(), "").unwrap();
        }
    }
}

#[test]
fn a_plan_reads_child_modules_changes_and_unknown_policies() {
    let out = read_plan("corpus/sources/plan/plan.json");
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(
        addresses(&out),
        [
            "aws_iam_role.bitbucket",
            "module.ci.aws_iam_role.deploy",
            "module.ci.aws_iam_role.preview"
        ]
    );
    let deploy = role(&out, "module.ci.aws_iam_role.deploy");
    assert_eq!(
        deploy.labels,
        [("change".to_string(), "update".to_string())]
    );
    let before = policy::from_node(deploy.before.as_ref().unwrap(), "").unwrap();
    assert!(lint::lint(&before, &Config::default(), "before")
        .iter()
        .all(|f| f.rule != "cross-tenant-subject"));
    assert!(role(&out, "aws_iam_role.bitbucket").before.is_none());
    let preview = role(&out, "module.ci.aws_iam_role.preview");
    assert_eq!(
        preview.tree.as_ref().unwrap_err().code,
        "unknown-until-apply"
    );
    assert_eq!(preview.placeholders.len(), 1);
    assert!(preview.placeholders[0]
        .what
        .starts_with("module.ci.aws_iam_role.preview.assume_role_policy"));
}

// Malformed input: each is a located error, never a panic.

fn one_error(out: &ReadOutput) -> &rolecall::source::ReadError {
    assert!(out.found.is_empty());
    assert_eq!(out.errors.len(), 1, "{:?}", out.errors);
    let e = &out.errors[0];
    assert!(e.span.start <= e.span.end && e.span.end <= out.files[0].text.len().max(e.span.end));
    e
}

fn cfn(text: &str) -> ReadOutput {
    cloudformation::read(Path::new("t.yaml"), text)
}

#[test]
fn bad_yaml_is_located() {
    let text = "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties: [unclosed\n";
    let e = one_error(&cfn(text)).clone();
    assert_eq!(e.code, "invalid-yaml");
    assert!(e.span.start >= text.find('[').unwrap(), "{e:?}");
}

#[test]
fn an_unknown_tag_is_located() {
    let text = "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !Bogus x\n";
    let out = cfn(text);
    let e = one_error(&out);
    assert_eq!(e.code, "unknown-tag");
    assert_eq!(line_col(text, e.span.start), (5, 17));
}

#[test]
fn a_duplicate_key_is_located() {
    let text = "Resources:\n  Role:\n    Type: AWS::IAM::Role\n  Role:\n    Type: AWS::IAM::Role\n";
    let out = cfn(text);
    let e = one_error(&out);
    assert_eq!(e.code, "duplicate-key");
    assert_eq!(line_col(text, e.span.start).0, 4);
}

#[test]
fn ten_thousand_levels_of_nesting_are_refused_in_yaml_and_json() {
    // Block style: each `- ` opens a sequence inside the one before.
    let yaml = format!("Resources:\n  {}x\n", "- ".repeat(10_000));
    assert_eq!(one_error(&cfn(&yaml)).code, "too-deep");
    let flow = format!("Resources: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(one_error(&cfn(&flow)).code, "too-deep");
    let json = format!(
        "{{\"Resources\": {}{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    assert_eq!(one_error(&cfn(&json)).code, "too-deep");
    let plan = format!(
        "{{\"format_version\": \"1.2\", \"planned_values\": {}{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let out = terraform_plan::read(Path::new("plan.json"), &plan);
    assert_eq!(one_error(&out).code, "too-deep");
}

#[test]
fn a_fifty_megabyte_file_is_refused_before_parsing() {
    let mut text = String::from("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n");
    while text.len() < 50 * 1024 * 1024 {
        text.push_str("  # padding padding padding padding padding padding padding padding\n");
    }
    let e = one_error(&cfn(&text)).clone();
    assert_eq!(e.code, "too-large");
    assert!(e.message.contains("bytes"), "{}", e.message);
}

#[test]
fn non_utf8_is_located() {
    let bytes = b"Resources:\n  Role:\n    Type: AWS::IAM::Role \xff\xfe\n";
    let out = cloudformation::read_bytes(Path::new("t.yaml"), bytes);
    let e = one_error(&out);
    assert_eq!(e.code, "not-utf8");
    assert_eq!(e.span.start, bytes.iter().position(|b| *b == 0xff).unwrap());
    let out = terraform_plan::read_bytes(Path::new("p.json"), b"{\"format_version\": \"\xc3\"}");
    assert_eq!(one_error(&out).code, "not-utf8");
}

#[test]
fn template_problems_are_located_errors_beside_the_roles() {
    let text = "\
Resources:
  Role:
    Type: AWS::IAM::Role
    Metadata:
      rolecall:
        ignore:
          - rule: cross-tenant-subject
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Federated: !Ref Missing }
            Action: !Fn::Nope x
";
    let out = cfn(text);
    assert_eq!(one_error(&out).code, "unknown-tag");
    let text = text.replace("!Fn::Nope x", "sts:AssumeRoleWithWebIdentity");
    let out = cfn(&text);
    assert_eq!(out.found.len(), 1);
    let codes: Vec<&str> = out.errors.iter().map(|e| e.code).collect();
    assert_eq!(codes, ["unknown-reference", "ignore-without-reason"]);
    assert_eq!(line_col(&text, out.errors[0].span.start).0, 13);
    assert_eq!(line_col(&text, out.errors[1].span.start).0, 7);
    assert!(out.found[0].ignores.is_empty());
}

#[test]
fn an_unknown_whole_document_is_an_error_not_a_policy() {
    let text = "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: !ImportValue shared-trust\n";
    let out = cfn(text);
    let e = out.found[0].tree.as_ref().unwrap_err();
    assert_eq!(e.code, "unresolved-document");
    assert!(e.message.contains("!ImportValue shared-trust"));
}

#[test]
fn a_policy_written_as_a_sub_json_string_is_parsed() {
    let text = "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: !Sub |\n        {\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"sts:AssumeRoleWithWebIdentity\",\n         \"Principal\": {\"Federated\": \"arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com\"},\n         \"Condition\": {\"StringLike\": {\"token.actions.githubusercontent.com:sub\": \"repo:acme*\"}, \"StringEquals\": {\"token.actions.githubusercontent.com:aud\": \"sts.amazonaws.com\"}}}]}\n";
    let out = cfn(text);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let rules: Vec<&str> = lint_found(&out.found[0]).iter().map(|f| f.rule).collect();
    assert!(rules.contains(&"cross-tenant-subject"), "{rules:?}");
}
