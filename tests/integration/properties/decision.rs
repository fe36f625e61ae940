//! Decision invariants over generated policies and requests.

use std::net::IpAddr;

use proptest::prelude::*;
use serde_json::{json, Map, Value};

use rolecall::check::{check, CheckInput};
use rolecall::policy::{self, Policy};
use rolecall::Verdict;

use super::config;

// ---------------------------------------------------------------------------------------------
// Generated policies
// ---------------------------------------------------------------------------------------------

const GITHUB: &str = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
const GITLAB: &str = "arn:aws:iam::123456789012:oidc-provider/gitlab.com";
const SUB: &str = "token.actions.githubusercontent.com:sub";
const AUD: &str = "token.actions.githubusercontent.com:aud";
const SOURCE_IP: &str = "aws:SourceIp";
/// 2026-01-01T00:00:00Z.
pub(super) const NOW: i128 = 1_767_225_600 * 1_000_000_000;

const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringLike",
    "StringNotLike",
    "ForAllValues:StringLike",
    "ForAnyValue:StringEquals",
    "StringEqualsIfExists",
    "Null",
    "IpAddress",
    // Beyond the list: the negated and case-folding forms, where the engine's
    // undocumented-case leanings live.
    "StringNotEquals",
    "StringNotEqualsIfExists",
    "ForAllValues:StringNotLike",
    "ForAnyValue:StringNotLike",
    "NotIpAddress",
    "StringEqualsIgnoreCase",
];
/// `aws:TagKeys` is multivalued (present when the token carries session tags).
const KEYS: &[&str] = &[SUB, AUD, SOURCE_IP, "aws:TagKeys", "aws:RequestTag/team"];
const ACTIONS: &[&str] = &[
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRole*",
    "sts:*",
    "*",
    "sts:AssumeRole",
    "STS:assumerolewithwebidentity",
    "sts:TagSession",
    "sts:AssumeRoleWith?ebIdentity",
];
/// Values for string operators: exact, wildcard, near-miss, variables, escapes, IP-like text.
const STRING_VALUES: &[&str] = &[
    "repo:octo-org/octo-repo:ref:refs/heads/main",
    "repo:octo-org/*",
    "repo:octo-org/*:ref:refs/heads/*",
    "repo:evil-org/*",
    "repo:octo-org/octo-repo:pull_request",
    "repo:?cto-org/*",
    "*",
    "",
    "sts.amazonaws.com",
    "sts.*",
    "https://github.com/octo-org",
    "repo:${token.actions.githubusercontent.com:repository}:*",
    "repo:${token.actions.githubusercontent.com:repository_owner, 'octo-org'}/*",
    "repo:octo-org/${*}",
    "192.0.2.*",
    "192.0.2.10",
    "team",
    "pay*",
    "REPO:OCTO-ORG/OCTO-REPO:REF:REFS/HEADS/MAIN",
];
/// Values written as JSON numbers or booleans (kept as their lexeme, R1.9).
const RAW_VALUES: &[&str] = &["true", "1.0", "12"];
const IP_VALUES: &[&str] = &[
    "192.0.2.0/24",
    "198.51.100.7",
    "10.0.0.0/8",
    "2001:db8::/32",
    "203.0.113.7/24",
    "not-an-ip",
];
const NULL_VALUES: &[&str] = &["true", "false"];

/// One listed condition value.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    /// A JSON string.
    Str(String),
    /// Written verbatim: a JSON number or boolean.
    Raw(String),
}

impl Val {
    fn render(&self) -> String {
        match self {
            Val::Str(s) => serde_json::to_string(s).unwrap(),
            Val::Raw(s) => s.clone(),
        }
    }

    fn map_text(&self, f: impl Fn(&str) -> String) -> Val {
        match self {
            Val::Str(s) => Val::Str(f(s)),
            Val::Raw(s) => Val::Raw(s.clone()),
        }
    }
}

#[derive(Debug, Clone)]
enum Princ {
    Everyone,
    /// Federated values; `single` writes one value as a bare string.
    Federated {
        values: Vec<&'static str>,
        single: bool,
    },
}

/// Operator blocks, each with its keys and their listed values, in document order.
type Blocks = Vec<(String, Vec<(String, Vec<Val>)>)>;

#[derive(Debug, Clone)]
struct Stmt {
    sid: Option<String>,
    effect: &'static str,
    principal: Princ,
    negated_action: bool,
    actions: Vec<&'static str>,
    /// `None`: no `Condition`. Blocks and keys are unique (the generator draws them as maps).
    condition: Option<Blocks>,
}

#[derive(Debug, Clone)]
pub(super) struct Doc {
    version: Option<&'static str>,
    statements: Vec<Stmt>,
    /// Write a lone statement as an object rather than a one-element array.
    single_object: bool,
}

fn value_for_operator(op: &str, seed: usize) -> Val {
    fn pick(pool: &[&'static str], seed: usize) -> &'static str {
        pool.get(seed % pool.len()).copied().unwrap_or_default()
    }
    match op {
        "Null" => {
            if seed.is_multiple_of(3) {
                Val::Raw(pick(NULL_VALUES, seed).to_string())
            } else {
                Val::Str(pick(NULL_VALUES, seed).to_string())
            }
        }
        "IpAddress" | "NotIpAddress" => Val::Str(pick(IP_VALUES, seed).to_string()),
        _ if seed.is_multiple_of(11) => Val::Raw(pick(RAW_VALUES, seed).to_string()),
        _ => Val::Str(pick(STRING_VALUES, seed).to_string()),
    }
}

fn condition() -> impl Strategy<Value = Blocks> {
    let keys = prop::collection::btree_map(
        prop::sample::select(KEYS.to_vec()),
        prop::collection::vec(any::<usize>(), 0..4),
        1..3,
    );
    prop::collection::btree_map(prop::sample::select(OPERATORS.to_vec()), keys, 0..4).prop_map(
        |blocks| {
            blocks
                .into_iter()
                .map(|(op, keys)| {
                    let keys = keys
                        .into_iter()
                        .map(|(k, seeds)| {
                            let values = seeds.iter().map(|s| value_for_operator(op, *s)).collect();
                            (k.to_string(), values)
                        })
                        .collect();
                    (op.to_string(), keys)
                })
                .collect()
        },
    )
}

fn principal() -> impl Strategy<Value = Princ> {
    prop_oneof![
        1 => Just(Princ::Everyone),
        12 => (
            prop::collection::vec(prop::sample::select(vec![GITHUB, GITLAB, "accounts.google.com"]), 1..3),
            any::<bool>(),
        )
            .prop_map(|(values, single)| Princ::Federated { single: single && values.len() == 1, values }),
    ]
}

fn statement(effect: impl Strategy<Value = &'static str>) -> impl Strategy<Value = Stmt> {
    (
        prop::option::of("[A-Z][a-z0-9]{0,5}"),
        effect,
        principal(),
        prop::bool::weighted(0.15),
        prop::collection::vec(prop::sample::select(ACTIONS.to_vec()), 1..3),
        prop::option::weighted(0.8, condition()),
    )
        .prop_map(
            |(sid, effect, principal, negated_action, actions, condition)| Stmt {
                sid,
                effect,
                principal,
                negated_action,
                actions,
                condition,
            },
        )
}

fn any_effect() -> impl Strategy<Value = &'static str> {
    prop_oneof![3 => Just("Allow"), 1 => Just("Deny")]
}

pub(super) fn doc() -> impl Strategy<Value = Doc> {
    (
        prop_oneof![
            6 => Just(Some("2012-10-17")),
            1 => Just(Some("2008-10-17")),
            1 => Just(None),
        ],
        prop::collection::vec(statement(any_effect()), 1..5),
        any::<bool>(),
    )
        .prop_map(|(version, statements, single_object)| Doc {
            version,
            single_object: single_object && statements.len() == 1,
            statements,
        })
}

fn render_stmt(s: &Stmt) -> String {
    let mut members = Vec::new();
    if let Some(sid) = &s.sid {
        members.push(format!("\"Sid\":{}", serde_json::to_string(sid).unwrap()));
    }
    members.push(format!("\"Effect\":\"{}\"", s.effect));
    let principal = match &s.principal {
        Princ::Everyone => "\"*\"".to_string(),
        Princ::Federated { values, single } => {
            let rendered: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
            if *single {
                format!("{{\"Federated\":{}}}", rendered.join(","))
            } else {
                format!("{{\"Federated\":[{}]}}", rendered.join(","))
            }
        }
    };
    members.push(format!("\"Principal\":{principal}"));
    let name = if s.negated_action {
        "NotAction"
    } else {
        "Action"
    };
    let actions: Vec<String> = s.actions.iter().map(|a| format!("\"{a}\"")).collect();
    members.push(format!("\"{name}\":[{}]", actions.join(",")));
    if let Some(blocks) = &s.condition {
        let blocks: Vec<String> = blocks
            .iter()
            .map(|(op, keys)| {
                let keys: Vec<String> = keys
                    .iter()
                    .map(|(k, values)| {
                        let values: Vec<String> = values.iter().map(Val::render).collect();
                        format!(
                            "{}:[{}]",
                            serde_json::to_string(k).unwrap(),
                            values.join(",")
                        )
                    })
                    .collect();
                format!("\"{op}\":{{{}}}", keys.join(","))
            })
            .collect();
        members.push(format!("\"Condition\":{{{}}}", blocks.join(",")));
    }
    format!("{{{}}}", members.join(","))
}

pub(super) fn render(d: &Doc) -> String {
    let mut out = String::from("{");
    if let Some(v) = d.version {
        out.push_str(&format!("\"Version\":\"{v}\","));
    }
    let statements: Vec<String> = d.statements.iter().map(render_stmt).collect();
    match statements.as_slice() {
        [one] if d.single_object => out.push_str(&format!("\"Statement\":{one}")),
        _ => out.push_str(&format!("\"Statement\":[{}]", statements.join(","))),
    }
    out.push('}');
    out
}

// ---------------------------------------------------------------------------------------------
// Generated requests
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub(super) struct Claims {
    provider: &'static str,
    sub: Option<&'static str>,
    /// `None`: no `aud`; one value: a string; several: an array (multivalued).
    aud: Option<Vec<&'static str>>,
    repository: Option<&'static str>,
    tags: bool,
    source_ip: Option<IpAddr>,
}

pub(super) fn claims() -> impl Strategy<Value = Claims> {
    let subs = vec![
        "repo:octo-org/octo-repo:ref:refs/heads/main",
        "repo:octo-org/octo-repo:pull_request",
        "repo:evil-org/octo-repo:ref:refs/heads/main",
        "repo:octo-org/other:environment:prod",
        "",
    ];
    let auds = vec!["sts.amazonaws.com", "https://github.com/octo-org", "other"];
    let ips: Vec<IpAddr> = ["192.0.2.10", "198.51.100.7", "10.1.2.3", "2001:db8::1"]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    (
        prop_oneof![8 => Just(GITHUB), 1 => Just(GITLAB)],
        prop::option::weighted(0.9, prop::sample::select(subs)),
        prop::option::weighted(
            0.85,
            prop::collection::vec(prop::sample::select(auds), 1..3),
        ),
        prop::option::weighted(
            0.5,
            prop::sample::select(vec!["octo-org/octo-repo", "evil-org/x"]),
        ),
        prop::bool::weighted(0.15),
        prop::option::weighted(0.8, prop::sample::select(ips)),
    )
        .prop_map(|(provider, sub, aud, repository, tags, source_ip)| Claims {
            provider,
            sub,
            aud,
            repository,
            tags,
            source_ip,
        })
}

impl Claims {
    fn map(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert(
            "iss".into(),
            json!("https://token.actions.githubusercontent.com"),
        );
        if let Some(sub) = self.sub {
            m.insert("sub".into(), json!(sub));
        }
        match self.aud.as_deref() {
            Some([one]) => {
                m.insert("aud".into(), json!(one));
            }
            Some(many) => {
                m.insert("aud".into(), json!(many));
            }
            None => {}
        }
        if let Some(r) = self.repository {
            m.insert("repository".into(), json!(r));
        }
        if self.tags {
            m.insert(
                "https://aws.amazon.com/tags".into(),
                json!({"principal_tags": {"team": ["payments"], "env": ["prod"]}}),
            );
        }
        m
    }
}

pub(super) fn parse_ok(text: &str) -> Policy {
    policy::parse(text).unwrap_or_else(|e| panic!("generated policy must parse: {e:?}\n{text}"))
}

fn verdict_of(policy: &Policy, c: &Claims) -> Verdict {
    let claims = c.map();
    let input = CheckInput {
        claims: &claims,
        provider: Some(c.provider),
        source_ip: c.source_ip,
        now: NOW,
        extra: &[],
    };
    check(policy, &input, None).unwrap().verdict
}

pub(super) fn verdict(text: &str, c: &Claims) -> Verdict {
    verdict_of(&parse_ok(text), c)
}

// ---------------------------------------------------------------------------------------------
// Model transformations
// ---------------------------------------------------------------------------------------------

fn map_conditions(d: &Doc, f: impl Fn(&mut Blocks)) -> Doc {
    let mut d = d.clone();
    for s in &mut d.statements {
        if let Some(blocks) = &mut s.condition {
            f(blocks);
        }
    }
    d
}

/// Rotate every value list by `k` and reverse it; reverse every block and every key list.
fn permuted(d: &Doc, k: usize) -> Doc {
    map_conditions(d, |blocks| {
        blocks.reverse();
        for (_, keys) in blocks.iter_mut() {
            keys.reverse();
            for (_, values) in keys.iter_mut() {
                if !values.is_empty() {
                    let n = k % values.len();
                    values.rotate_left(n);
                    values.reverse();
                }
            }
        }
    })
}

/// Apply `f` to each condition key name.
fn rekeyed(d: &Doc, f: impl Fn(&str) -> String) -> Doc {
    map_conditions(d, |blocks| {
        for (_, keys) in blocks.iter_mut() {
            for (k, _) in keys.iter_mut() {
                *k = f(k);
            }
        }
    })
}

/// Flip the letter case of characters whose position bit is set in `mask`.
fn flip_case(s: &str, mask: u64) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if mask.rotate_right(i as u32) & 1 == 1 {
                if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            } else {
                c
            }
        })
        .collect()
}

/// Flip the case of the names inside `${...}` variables (they are case-insensitive, R4.5).
fn flip_variable_case(s: &str, mask: u64) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        let (before, after) = rest.split_at(start + 2);
        out.push_str(before);
        let end = after.find(['}', ',']).unwrap_or(after.len());
        let (name, tail) = after.split_at(end);
        out.push_str(&flip_case(name, mask));
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// Add a condition that always holds (`aws:SecureTransport` is always `"true"`) to every
/// statement, creating `Condition` where there is none.
fn with_true_condition(d: &Doc, use_null: bool) -> Doc {
    let (op, value) = if use_null {
        ("Null", Val::Str("false".into()))
    } else {
        ("StringLike", Val::Str("*".into()))
    };
    let mut d = d.clone();
    for s in &mut d.statements {
        let blocks = s.condition.get_or_insert_with(Vec::new);
        let entry = ("aws:SecureTransport".to_string(), vec![value.clone()]);
        match blocks.iter_mut().find(|(o, _)| o == op) {
            Some((_, keys)) => keys.push(entry),
            None => blocks.push((op.to_string(), vec![entry])),
        }
    }
    d
}

// ---------------------------------------------------------------------------------------------
// Decision properties
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(300))]

    /// (a) Adding a Deny statement anywhere never turns a Deny into an Allow.
    #[test]
    fn adding_deny_never_allows(
        d in doc(),
        deny in statement(Just("Deny")),
        at in any::<prop::sample::Index>(),
        c in claims(),
    ) {
        let before = verdict(&render(&d), &c);
        let mut more = d.clone();
        more.single_object = false;
        let pos = at.index(more.statements.len() + 1);
        more.statements.insert(pos, deny);
        let after = verdict(&render(&more), &c);
        if before == Verdict::Deny {
            prop_assert_eq!(after, Verdict::Deny, "before:\n{}\nafter:\n{}", render(&d), render(&more));
        }
    }

    /// (b) Statement order, block order, key order and value order never change the verdict.
    #[test]
    fn order_never_matters(d in doc(), k in 0usize..4, c in claims()) {
        let want = verdict(&render(&d), &c);
        let mut reversed = d.clone();
        reversed.statements.reverse();
        prop_assert_eq!(verdict(&render(&reversed), &c), want, "reversed statements of\n{}", render(&d));
        let p = permuted(&d, k);
        prop_assert_eq!(verdict(&render(&p), &c), want, "permuted values:\n{}\nof\n{}", render(&p), render(&d));
    }

    /// (c) No `Condition`, an empty `Condition`, and a `Condition` whose every test holds are the
    /// same; adding a test that always holds to any statement changes nothing.
    #[test]
    fn always_true_condition_is_no_condition(d in doc(), use_null in any::<bool>(), c in claims()) {
        let want = verdict(&render(&d), &c);
        let t = with_true_condition(&d, use_null);
        prop_assert_eq!(verdict(&render(&t), &c), want, "with a true condition:\n{}", render(&t));
        let mut empty = d.clone();
        for s in &mut empty.statements {
            s.condition.get_or_insert_with(Vec::new);
        }
        prop_assert_eq!(verdict(&render(&empty), &c), want, "with empty Condition:\n{}", render(&empty));
    }

    /// (d) Condition key names and variable names are case-insensitive.
    #[test]
    fn key_case_never_matters(d in doc(), mask in any::<u64>(), c in claims()) {
        let want = verdict(&render(&d), &c);
        let upper = rekeyed(&d, |k| k.to_ascii_uppercase());
        prop_assert_eq!(verdict(&render(&upper), &c), want, "uppercased keys:\n{}", render(&upper));
        let flipped = rekeyed(&d, |k| flip_case(k, mask));
        prop_assert_eq!(verdict(&render(&flipped), &c), want, "flipped keys:\n{}", render(&flipped));
        let vars = map_conditions(&d, |blocks| {
            for (_, keys) in blocks.iter_mut() {
                for (_, values) in keys.iter_mut() {
                    for v in values.iter_mut() {
                        *v = v.map_text(|t| flip_variable_case(t, mask));
                    }
                }
            }
        });
        prop_assert_eq!(verdict(&render(&vars), &c), want, "flipped variable names:\n{}", render(&vars));
    }

    /// (e) parse -> to_json -> parse -> to_json is a fixed point, and the verdict survives it.
    #[test]
    fn canonical_json_round_trips(d in doc(), c in claims()) {
        let text = render(&d);
        let first = parse_ok(&text);
        let json1 = first.to_json();
        let text1 = serde_json::to_string_pretty(&json1).unwrap();
        let second = parse_ok(&text1);
        let json2 = second.to_json();
        prop_assert_eq!(&json1, &json2, "not a fixed point; input:\n{}", text);
        prop_assert_eq!(verdict_of(&second, &c), verdict_of(&first, &c), "verdict changed; input:\n{}\ncanonical:\n{}", text, text1);
        prop_assert_eq!(second.statements.len(), first.statements.len());
        prop_assert_eq!(second.version, first.version);
    }
}
