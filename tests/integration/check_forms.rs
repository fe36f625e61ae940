//! `rolecall check FILE --resource ROLE --claims w.json` decides for a role in a template,
//! plan, `.tf` or `.tf.json` file exactly as `check` does for the same policy written as IAM JSON: the
//! readers hand `check` the policy itself, not a look-alike.

use crate::common::rolecall;

/// (equivalent IAM JSON, file, role) for every form of the two insecure corpus policies.
const FORMS: &[(&str, &str, &str)] = &[
    (
        "cloudformation/equivalent/github.json",
        "cloudformation/deploy-roles.yaml",
        "Resources.GitHubDeployRole",
    ),
    (
        "cloudformation/equivalent/github.json",
        "cloudformation/deploy-roles.json",
        "Resources.GitHubDeployRole",
    ),
    (
        "cloudformation/equivalent/github.json",
        "cloudformation/sam-template.yaml",
        "Resources.PipelineExecutionRole",
    ),
    (
        "cloudformation/equivalent/github.json",
        "cdk/cdk.out/GithubDeployStack.template.json",
        "Resources.DeployRole3F8A2C1D",
    ),
    (
        "cloudformation/equivalent/github.json",
        "plan/plan.json",
        "module.ci.aws_iam_role.deploy",
    ),
    (
        "cloudformation/equivalent/bitbucket.json",
        "cloudformation/deploy-roles.yaml",
        "Resources.BitbucketDeployRole",
    ),
    (
        "cloudformation/equivalent/bitbucket.json",
        "cloudformation/deploy-roles.json",
        "Resources.BitbucketDeployRole",
    ),
    (
        "cloudformation/equivalent/bitbucket.json",
        "cdk/cdk.out/BitbucketDeployStack.template.json",
        "Resources.PipelinesRoleA1B2C3D4",
    ),
    (
        "cloudformation/equivalent/bitbucket.json",
        "plan/plan.json",
        "aws_iam_role.bitbucket",
    ),
    (
        "terraform/equivalent/github.json",
        "terraform/jsonencode/main.tf",
        "aws_iam_role.deploy",
    ),
    (
        "terraform/equivalent/github.json",
        "terraform/heredoc/main.tf",
        "aws_iam_role.github",
    ),
    (
        "terraform/equivalent/github.json",
        "terraform/heredoc/main.tf",
        "aws_iam_role.string",
    ),
    (
        "terraform/equivalent/github.json",
        "terraform/policy_document/main.tf",
        "aws_iam_role.github",
    ),
    (
        "terraform/equivalent/github.json",
        "terraform/module/main.tf",
        "module.ci.aws_iam_role.deploy",
    ),
    (
        "terraform/equivalent/github.json",
        "terraform/merge/main.tf",
        "aws_iam_role.merged",
    ),
    (
        "terraform/equivalent/github.json",
        "terraform/json/main.tf.json",
        "aws_iam_role.deploy",
    ),
    (
        "terraform/equivalent/github.json",
        "terraform/json/main.tf.json",
        "aws_iam_role.string",
    ),
    (
        "terraform/equivalent/github.json",
        "terraform/json/main.tf.json",
        "aws_iam_role.github",
    ),
    (
        "terraform/equivalent/bitbucket.json",
        "terraform/heredoc/main.tf",
        "aws_iam_role.bitbucket",
    ),
    (
        "terraform/equivalent/bitbucket.json",
        "terraform/json/main.tf.json",
        "aws_iam_role.bitbucket",
    ),
    (
        "terraform/equivalent/bitbucket.json",
        "terraform/policy_document/main.tf",
        "aws_iam_role.bitbucket",
    ),
];

const BITBUCKET_ISS: &str =
    "https://api.bitbucket.org/2.0/workspaces/bbcitest/pipelines-config/identity/oidc";

/// Claims each policy must decide alike: a look-alike owner (in for `repo:acme*`), another
/// owner (out), a step of any repository with the workspace's audience (in without `sub`), and
/// another workspace's audience (out).
fn claims() -> Vec<(&'static str, serde_json::Value)> {
    let gh = |sub: &str| {
        serde_json::json!({"iss": "https://token.actions.githubusercontent.com",
                           "aud": "sts.amazonaws.com", "sub": sub})
    };
    let bb = |aud: &str| {
        serde_json::json!({"iss": BITBUCKET_ISS, "aud": aud,
            "sub": "{0badc0de-0000-4000-8000-00000000beef}:{759de0c6-eaee-4eaa-b7a6-c507eec759a7}"})
    };
    vec![
        (
            "look-alike owner",
            gh("repo:acme-lookalike/app:ref:refs/heads/main"),
        ),
        ("another owner", gh("repo:other/app:ref:refs/heads/main")),
        (
            "any repository of the workspace",
            bb("ari:cloud:bitbucket::workspace/922e118c-f34f-4226-a897-0e0afbec553d"),
        ),
        (
            "another workspace",
            bb("ari:cloud:bitbucket::workspace/00000000-0000-4000-8000-000000000000"),
        ),
    ]
}

#[test]
fn check_on_every_form_decides_as_on_the_iam_json() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut allowed = 0;
    for (what, c) in claims() {
        let file = dir.path().join(format!("{}.json", what.replace(' ', "-")));
        std::fs::write(&file, c.to_string()).unwrap();
        let claims = file.to_str().unwrap();
        for (json, form, role) in FORMS {
            let json = format!("corpus/sources/{json}");
            let form = format!("corpus/sources/{form}");
            let expected = rolecall(&["check", &json, "--claims", claims], None);
            let got = rolecall(
                &["check", &form, "--resource", role, "--claims", claims],
                None,
            );
            assert!(expected.code <= 1, "{json}: {}", expected.stderr);
            assert_eq!(
                got.code, expected.code,
                "{form} {role} with {what}: {}{}",
                got.stdout, got.stderr
            );
            allowed += usize::from(got.code == 0);
        }
    }
    // Each policy admits exactly one of its provider's two requests.
    assert_eq!(allowed, FORMS.len(), "every form admits its insider only");
}
