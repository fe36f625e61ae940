//! Property: `--fix` never widens access. Broken policies are generated from the fixable
//! classes (an owner without its separator, no audience condition, `ForAllValues:` on `sub`,
//! a wildcard under `StringEquals`, `aud`/`sub` swapped), with varied names, refs, key order
//! and layout, in JSON and CloudFormation YAML; the library's `fix_paths` fixes them, and the
//! exact model's `diff` must find nothing the fixed policy admits that the original does not.

use proptest::prelude::*;
use rolecall::lint::fix::{fix_paths, FixMode, FixOptions};
use rolecall::lint::{Config, LintOptions};
use rolecall::model::{self, Options};
use rolecall::source;

const PRINCIPAL: &str =
    "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
const AUD: &str = "token.actions.githubusercontent.com:aud";
const SUB: &str = "token.actions.githubusercontent.com:sub";

#[derive(Debug, Clone, Copy)]
enum Class {
    OwnerWithoutSeparator,
    NoAudience,
    ForAllValuesOnSub,
    WildcardUnderStringEquals,
    Swapped,
}

#[derive(Debug, Clone)]
struct Broken {
    class: Class,
    owner: String,
    repo: String,
    context: &'static str,
    aud_first: bool,
    /// The audience under `StringLike`: a `ForAllValues:StringLike` key then moves into its
    /// block.
    aud_like: bool,
    yaml: bool,
    pretty: bool,
}

fn broken() -> impl Strategy<Value = Broken> {
    (
        prop_oneof![
            Just(Class::OwnerWithoutSeparator),
            Just(Class::NoAudience),
            Just(Class::ForAllValuesOnSub),
            Just(Class::WildcardUnderStringEquals),
            Just(Class::Swapped),
        ],
        "[a-z][a-z0-9-]{0,7}",
        "[a-z][a-z0-9._-]{0,7}",
        prop_oneof![
            Just("ref:refs/heads/main"),
            Just("environment:production"),
            Just("ref:refs/tags/v*"),
            Just("*"),
        ],
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(class, owner, repo, context, aud_first, aud_like, yaml, pretty)| Broken {
                class,
                owner,
                repo,
                context,
                aud_first,
                aud_like,
                yaml,
                pretty,
            },
        )
}

/// (operator, key, value) blocks of the broken policy.
fn conditions(b: &Broken) -> Vec<(String, &'static str, String)> {
    let sub = format!("repo:{}/{}:{}", b.owner, b.repo, b.context);
    let aud_op = if b.aud_like {
        "StringLike"
    } else {
        "StringEquals"
    };
    let aud = (aud_op.to_string(), AUD, "sts.amazonaws.com".to_string());
    let mut out = match b.class {
        Class::OwnerWithoutSeparator => vec![
            aud,
            (
                "StringLike".into(),
                SUB,
                format!(
                    "repo:{}*{}",
                    b.owner,
                    if b.context == "*" { "" } else { ":*" }
                ),
            ),
        ],
        Class::NoAudience => vec![("StringLike".into(), SUB, sub)],
        Class::ForAllValuesOnSub => vec![aud, ("ForAllValues:StringLike".into(), SUB, sub)],
        Class::WildcardUnderStringEquals => vec![
            aud,
            (
                "StringEquals".into(),
                SUB,
                format!("repo:{}/{}:*", b.owner, b.repo),
            ),
        ],
        Class::Swapped => vec![
            ("StringEquals".into(), AUD, sub),
            ("StringLike".into(), SUB, "sts.amazonaws.com".into()),
        ],
    };
    if !b.aud_first {
        out.reverse();
    }
    out
}

/// Group by operator, keeping first appearance order (two keys can share an operator).
fn blocks(b: &Broken) -> Vec<(String, Vec<(&'static str, String)>)> {
    let mut out: Vec<(String, Vec<(&'static str, String)>)> = Vec::new();
    for (op, key, value) in conditions(b) {
        match out.iter_mut().find(|(o, _)| *o == op) {
            Some((_, keys)) => keys.push((key, value)),
            None => out.push((op, vec![(key, value)])),
        }
    }
    out
}

fn json_text(b: &Broken) -> String {
    let q = |s: &str| serde_json::Value::String(s.to_string()).to_string();
    let (nl, i) = if b.pretty { ("\n", "  ") } else { (" ", "") };
    let ops: Vec<String> = blocks(b)
        .iter()
        .map(|(op, keys)| {
            let keys: Vec<String> = keys
                .iter()
                .map(|(k, v)| format!("{i}{i}{i}{i}{}: {}", q(k), q(v)))
                .collect();
            format!(
                "{i}{i}{i}{}: {{{nl}{}{nl}{i}{i}{i}}}",
                q(op),
                keys.join(&format!(",{nl}"))
            )
        })
        .collect();
    format!(
        "{{{nl}{i}\"Version\": \"2012-10-17\",{nl}{i}\"Statement\": [{{{nl}{i}{i}\"Effect\": \"Allow\",{nl}\
         {i}{i}\"Principal\": {{ \"Federated\": {} }},{nl}\
         {i}{i}\"Action\": \"sts:AssumeRoleWithWebIdentity\",{nl}\
         {i}{i}\"Condition\": {{{nl}{}{nl}{i}{i}}}{nl}{i}}}]{nl}}}{nl}",
        q(PRINCIPAL),
        ops.join(&format!(",{nl}"))
    )
}

fn yaml_text(b: &Broken) -> String {
    let mut out = String::from(
        "# generated\nResources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      \
         AssumeRolePolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n          \
         - Effect: Allow\n            Principal:\n",
    );
    out.push_str(&format!("              Federated: {PRINCIPAL}\n"));
    out.push_str("            Action: sts:AssumeRoleWithWebIdentity  # web identity only\n");
    out.push_str("            Condition:\n");
    for (op, keys) in blocks(b) {
        out.push_str(&format!("              {op}:\n"));
        for (k, v) in keys {
            out.push_str(&format!("                {k}: \"{v}\"\n"));
        }
    }
    out
}

fn policy_of(path: &std::path::Path, text: &str) -> rolecall::Policy {
    let file = std::sync::Arc::new(source::SourceText::new(
        path.to_path_buf(),
        std::sync::Arc::from(text),
    ));
    let docs = source::open(file, true).unwrap().documents().0;
    assert_eq!(docs.len(), 1, "{text}");
    docs.into_iter().next().unwrap().policy.unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn no_fix_ever_widens_access(b in broken()) {
        let tmp = tempfile::tempdir().unwrap();
        let (name, text) = if b.yaml {
            ("role.yaml", yaml_text(&b))
        } else {
            ("role.json", json_text(&b))
        };
        let path = tmp.path().join(name);
        std::fs::write(&path, &text).unwrap();
        let done = fix_paths(
            std::slice::from_ref(&path),
            &Config::default(),
            &FixOptions { lint: LintOptions { jobs: 1, ..LintOptions::default() }, mode: FixMode::DryRun },
        );
        prop_assert!(done.run.errors.is_empty(), "{:?}", done.run.errors);
        prop_assert_eq!(std::fs::read_to_string(&path).unwrap(), text.clone(), "dry run wrote");
        let before = policy_of(&path, &text);
        for f in &done.files {
            let after = policy_of(&path, &f.after);
            let d = model::diff(&before, &after, &Options::default()).unwrap();
            prop_assert!(
                !d.is_wider(),
                "{:?}: {}\n--- before\n{text}\n--- after\n{}",
                b.class,
                d.widened.first().map(|w| w.sentence.clone()).unwrap_or_default(),
                f.after
            );
            prop_assert!(!f.applied.is_empty());
        }
        // The fixable classes whose fix is proven are fixed.
        if matches!(b.class, Class::OwnerWithoutSeparator | Class::ForAllValuesOnSub) {
            prop_assert_eq!(done.files.len(), 1, "{}", text);
        }
    }
}
