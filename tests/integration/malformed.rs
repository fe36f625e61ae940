//! Malformed inputs. Every one must give exit code 2, nothing on stdout, a diagnostic on stderr
//! that names the input (and, where the fault has a place, points at its `line:column`), no
//! panic, and never the token's text or signature.
//!
//! The fixtures live in `tests/malformed/`; the huge and deep ones are generated into a temporary
//! directory at test time. Each policy fixture is `tests/malformed/valid-policy.json` with one
//! fault, so the line and column each case expects can be read off the fixture by eye.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common;

const DIR: &str = "tests/malformed";
/// A valid policy the valid claims and tokens below satisfy (exit 0 at `NOW`).
const POLICY: &str = "corpus/policies/seed/policy-repository.json";
const CLAIMS: &str = "corpus/tokens/bitbucket-seed.claims.json";
const SEED_TOKEN: &str = "corpus/tokens/bitbucket-seed.jwt";
const SIGNED_TOKEN: &str = "corpus/tokens/bitbucket-signed.jwt";
/// Inside the seed token's validity window.
const NOW: &str = "2020-01-11T14:00:00Z";
/// Inside the signed token's validity window.
const SIGNED_NOW: &str = "2026-06-01T00:00:00Z";

/// Where the diagnostic must point.
#[derive(Clone, Copy)]
enum At {
    /// The fault has no place in a file (an argument, a token, a missing file).
    Nowhere,
    /// `NAME:LINE:COL` must appear on stderr.
    Exact(usize, usize),
    /// `NAME:LINE:` must appear on stderr (when more than one column is a fair answer).
    Line(usize),
}

struct Case {
    name: &'static str,
    args: Vec<String>,
    stdin: Option<Vec<u8>>,
    /// The malformed input file, if the fault is in a file.
    fixture: Option<PathBuf>,
    /// What stderr must mention: the input's name as given, or the bad argument.
    mentions: String,
    at: At,
    /// Text that must never be printed: the token, its segments, its signature.
    secrets: Vec<String>,
    /// How long the run may take (the size cap must refuse a huge file without parsing it).
    limit: Option<Duration>,
}

impl Case {
    fn new(name: &'static str, args: Vec<String>, mentions: String) -> Self {
        Case {
            name,
            args,
            stdin: None,
            fixture: None,
            mentions,
            at: At::Nowhere,
            secrets: Vec::new(),
            limit: None,
        }
    }

    fn at(mut self, line: usize, col: usize) -> Self {
        self.at = At::Exact(line, col);
        self
    }

    fn at_line(mut self, line: usize) -> Self {
        self.at = At::Line(line);
        self
    }

    fn fixture(mut self, path: PathBuf) -> Self {
        self.fixture = Some(path);
        self
    }

    fn secrets(mut self, secrets: Vec<String>) -> Self {
        self.secrets.extend(secrets);
        self
    }

    fn stdin(mut self, bytes: Vec<u8>) -> Self {
        self.stdin = Some(bytes);
        self
    }

    fn limit(mut self, limit: Duration) -> Self {
        self.limit = Some(limit);
        self
    }
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn fixture(file: &str) -> String {
    format!("{DIR}/{file}")
}

/// Everything printable that a token file holds: the whole text and every dot-separated
/// segment long enough to be recognisable (the signature among them).
fn token_secrets(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes).trim().to_string();
    let mut out: Vec<String> = text
        .split('.')
        .filter(|s| s.len() >= 12)
        .map(str::to_string)
        .collect();
    if !text.is_empty() {
        out.push(text);
    }
    out
}

/// A policy file with one fault; the claims would satisfy the fault-free policy.
fn policy(name: &'static str, file: &str) -> Case {
    let path = fixture(file);
    Case::new(
        name,
        args(&["check", &path, "--claims", CLAIMS, "--now", NOW]),
        path.clone(),
    )
    .fixture(common::path(&path))
}

/// A token file with one fault, against a policy its claims would satisfy.
fn token(name: &'static str, file: &str) -> Case {
    let path = fixture(file);
    Case::new(
        name,
        args(&["check", POLICY, "--token", &path, "--now", NOW]),
        path.clone(),
    )
    .secrets(token_secrets(&common::path(&path)))
    .fixture(common::path(&path))
}

fn claims(name: &'static str, file: &str) -> Case {
    let path = fixture(file);
    Case::new(
        name,
        args(&["check", POLICY, "--claims", &path, "--now", NOW]),
        path.clone(),
    )
    .fixture(common::path(&path))
}

/// A JWKS file with one fault, given with a good signed token (whose text must stay hidden).
fn jwks(name: &'static str, file: &str) -> Case {
    let path = fixture(file);
    Case::new(
        name,
        args(&[
            "check",
            POLICY,
            "--token",
            SIGNED_TOKEN,
            "--jwks",
            &path,
            "--now",
            SIGNED_NOW,
        ]),
        path.clone(),
    )
    .secrets(token_secrets(&common::path(SIGNED_TOKEN)))
    .fixture(common::path(&path))
}

/// A bad command-line value, with otherwise good inputs.
fn argument(name: &'static str, flag: &str, value: &str) -> Case {
    Case::new(
        name,
        args(&[
            "check",
            POLICY,
            "--claims",
            CLAIMS,
            &format!("{flag}={value}"),
        ]),
        value.to_string(),
    )
}

/// A temporary directory removed on drop, so a failing test leaves no 70 MB file behind.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("rolecall-malformed-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    fn write(&self, file: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(file);
        std::fs::write(&path, bytes).expect("write generated fixture");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The cases whose inputs are generated: a document over the size cap, 10,000 levels of
/// nesting, and a token over STS's length limit.
fn generated(tmp: &TempDir) -> Vec<Case> {
    let mut cases = Vec::new();

    // A valid policy padded with 70 MiB of whitespace: only the size cap can refuse it.
    let valid = std::fs::read(common::path(POLICY)).expect("read policy");
    let cut = valid
        .windows(11)
        .position(|w| w == b"\"Statement\"")
        .expect("policy has a Statement");
    let mut huge = Vec::with_capacity(valid.len() + 70 * 1024 * 1024);
    huge.extend_from_slice(&valid[..cut]);
    huge.resize(huge.len() + 70 * 1024 * 1024, b' ');
    huge.extend_from_slice(&valid[cut..]);
    let path = tmp.write("huge-policy.json", &huge);
    drop(huge);
    let shown = path.display().to_string();
    cases.push(
        Case::new(
            "policy-over-size-cap-70MiB",
            args(&["check", &shown, "--claims", CLAIMS, "--now", NOW]),
            shown.clone(),
        )
        .fixture(path)
        .limit(Duration::from_secs(5)),
    );

    // 10,000 nested arrays as the Statement. The object is level 1, so the 128th `[` is the
    // first one past the 128-level cap: byte offset prefix + 127, column prefix + 128.
    let prefix = "{\"Version\":\"2012-10-17\",\"Statement\":";
    assert_eq!(prefix.len(), 36);
    let deep = format!("{prefix}{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
    let path = tmp.write("deep-policy.json", deep.as_bytes());
    let shown = path.display().to_string();
    cases.push(
        Case::new(
            "policy-nested-10000-levels",
            args(&["check", &shown, "--claims", CLAIMS, "--now", NOW]),
            shown.clone(),
        )
        .fixture(path)
        .at(1, 36 + 128),
    );

    // The same depth in a claims file: line 2 is `"sub": ` and the arrays, the first `[` at
    // column 8 (level 2), so the 128th is past the cap.
    let deep = format!(
        "{{\n\"sub\": {}{}}}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let path = tmp.write("deep-claims.json", deep.as_bytes());
    let shown = path.display().to_string();
    cases.push(
        Case::new(
            "claims-nested-10000-levels",
            args(&["check", POLICY, "--claims", &shown, "--now", NOW]),
            shown.clone(),
        )
        .fixture(path)
        .at(2, 8 + 127),
    );

    // A well-formed JWT of more than 20,000 characters (a long claim in the payload).
    let seed = std::fs::read_to_string(common::path(SEED_TOKEN)).expect("read seed token");
    let parts: Vec<&str> = seed.trim().split('.').collect();
    let filler = "A".repeat(21_000);
    let long = format!("{}.{}{}.{}\n", parts[0], parts[1], filler, parts[2]);
    let path = tmp.write("token-too-long.jwt", long.as_bytes());
    let shown = path.display().to_string();
    cases.push(
        Case::new(
            "token-over-20000-chars",
            args(&["check", POLICY, "--token", &shown, "--now", NOW]),
            shown.clone(),
        )
        .secrets(token_secrets(&path))
        .fixture(path),
    );

    cases
}

/// The committed fixtures and the bad arguments. Expected positions are 1-based line:column
/// (columns in characters), read off the fixture files.
fn committed() -> Vec<Case> {
    vec![
        // --- not JSON at all
        policy("json-truncated", "json-truncated.json").at(4, 5),
        policy("json-trailing-comma", "json-trailing-comma.json").at(13, 133),
        policy("json-comment", "json-comment.json").at(3, 3),
        policy("json-single-quotes", "json-single-quotes.json").at(6, 7),
        policy("json-unquoted-key", "json-unquoted-key.json").at(6, 7),
        policy("json-trailing-garbage", "json-trailing-garbage.json").at(19, 1),
        policy("json-empty-file", "json-empty.json"),
        policy("json-only-whitespace", "json-whitespace.json"),
        policy("json-nan", "json-nan.json").at(3, 9),
        policy("json-raw-tab-in-string", "json-control-char.json").at(5, 20),
        policy(
            "json-invalid-unicode-escape",
            "json-bad-unicode-escape.json",
        )
        .at(5, 20),
        policy("json-lone-surrogate", "json-lone-surrogate.json").at(5, 20),
        // Byte 0xFF at offset 71, the 20th character of line 5.
        policy("not-utf8", "not-utf8.json").at(5, 20),
        // The BOM is not a character of the document: `garbage` starts at 1:1.
        policy("bom-then-garbage", "bom-garbage.json").at(1, 1),
        // --- duplicate keys (IAM silently keeps one copy): point at the second copy
        policy("duplicate-key-top-level", "dup-key-top.json").at(3, 3),
        policy("duplicate-key-in-condition", "dup-key-condition.json").at(15, 9),
        policy("duplicate-key-in-statement", "dup-key-statement.json").at(7, 7),
        // --- JSON, but not a trust policy IAM would store
        policy("root-is-array", "root-array.json").at(1, 1),
        policy("root-is-string", "root-string.json").at(2, 3),
        policy("statement-is-string", "statement-string.json").at(3, 16),
        policy("statement-empty-array", "statement-empty.json").at(3, 16),
        policy("effect-lowercase-allow", "effect-lowercase.json").at(6, 17),
        policy("missing-effect", "missing-effect.json").at(4, 5),
        policy("notprincipal", "notprincipal.json").at(7, 7),
        policy("resource-in-trust-policy", "resource.json").at(11, 7),
        policy("unknown-element-statment", "unknown-element-statment.json").at(3, 3),
        policy("principal-is-number", "principal-number.json").at(7, 20),
        policy("federated-wildcard", "federated-wildcard.json").at(8, 22),
        policy("federated-malformed-arn", "federated-bad-arn.json").at(8, 22),
        policy("action-and-notaction", "action-and-notaction.json").at(4, 5),
        policy("operator-stringequal", "operator-stringequal.json").at(12, 9),
        policy("operator-lowercase-stringequals", "operator-lowercase.json").at(12, 9),
        policy("operator-null-ifexists", "operator-null-ifexists.json").at(12, 9),
        policy("condition-key-two-colons", "condition-key-two-colons.json").at(13, 11),
        policy("condition-value-null", "condition-value-null.json").at(13, 91),
        policy("condition-value-object", "condition-value-object.json").at(13, 91),
        policy("bool-two-values", "bool-two-values.json").at(16, 34),
        policy("variable-empty", "bad-variable.json").at(13, 91),
        policy("invalid-version", "invalid-version.json").at(2, 14),
        policy("char-outside-latin1", "char-outside-latin1.json").at(5, 14),
        // --- tokens (no place to point at; never echoed)
        token("token-empty", "token-empty.jwt"),
        token("token-two-segments", "token-two-segments.jwt"),
        token("token-four-segments", "token-four-segments.jwt"),
        token("token-header-not-base64", "token-header-not-base64.jwt"),
        token("token-payload-not-json", "token-payload-not-json.jwt"),
        token("token-payload-json-array", "token-payload-array.jwt"),
        token("token-garbage-text", "token-garbage.jwt"),
        token("token-not-utf8", "token-not-utf8.jwt"),
        Case::new(
            "token-file-missing",
            args(&[
                "check",
                POLICY,
                "--token",
                &fixture("does-not-exist.jwt"),
                "--now",
                NOW,
            ]),
            fixture("does-not-exist.jwt"),
        ),
        Case::new(
            "token-stdin-two-segments",
            args(&["check", POLICY, "--token", "-", "--now", NOW]),
            "<stdin>".into(),
        )
        .stdin(std::fs::read(common::path(&fixture("token-two-segments.jwt"))).unwrap())
        .secrets(token_secrets(&common::path(&fixture(
            "token-two-segments.jwt",
        )))),
        // --- the policy on stdin: the diagnostic names `<stdin>`
        Case::new(
            "policy-stdin-trailing-comma",
            args(&["check", "-", "--claims", CLAIMS, "--now", NOW]),
            "<stdin>".into(),
        )
        .stdin(std::fs::read(common::path(&fixture("json-trailing-comma.json"))).unwrap())
        .at(13, 133),
        // --- a token given where JSON is expected: the located diagnostic must not quote it
        Case::new(
            "token-given-as-claims",
            args(&["check", POLICY, "--claims", SEED_TOKEN, "--now", NOW]),
            SEED_TOKEN.into(),
        )
        .at(1, 1)
        .secrets(token_secrets(&common::path(SEED_TOKEN))),
        Case::new(
            "token-given-as-policy",
            args(&["check", SEED_TOKEN, "--token", SEED_TOKEN, "--now", NOW]),
            SEED_TOKEN.into(),
        )
        .at(1, 1)
        .secrets(token_secrets(&common::path(SEED_TOKEN))),
        // --- claims files
        claims("claims-root-array", "claims-array.json").at(1, 1),
        claims("claims-invalid-json", "claims-invalid.json").at(2, 92),
        claims("claims-duplicate-claim", "claims-duplicate.json").at(4, 3),
        // --- JWKS files
        jwks("jwks-not-json", "jwks-not-json.json").at(1, 1),
        jwks("jwks-without-keys", "jwks-no-keys.json").at(5, 1),
        // `n` (line 8: the key at column 7, its value at 12) is not base64url: the JWKS is
        // unusable, which is an input error, not a verdict about the token.
        jwks("jwks-key-with-invalid-n", "jwks-bad-n.json").at_line(8),
        // --- arguments
        argument("source-ip-octet-over-255", "--source-ip", "999.1.1.1"),
        argument("source-ip-word", "--source-ip", "abc"),
        argument("source-ip-cidr", "--source-ip", "10.0.0.0/8"),
        argument("now-word", "--now", "yesterday"),
        argument("now-month-13", "--now", "2020-13-45T00:00:00Z"),
        // Past any representable time: must not be clamped into some other instant.
        argument("now-far-future", "--now", "99999999999999999999999"),
        argument("now-far-past", "--now", "-99999999999999999999999"),
        argument("context-without-equals", "--context", "aws:RequestedRegion"),
        argument("context-key-two-colons", "--context", "aws:a:b=1"),
        argument("context-empty-key", "--context", "=vpce-1a2b3c4d"),
    ]
}

/// Run one case; describe every way it falls short.
fn judge(case: &Case) -> Vec<String> {
    let argv: Vec<&str> = case.args.iter().map(String::as_str).collect();
    let started = Instant::now();
    let run = common::rolecall(&argv, case.stdin.as_deref());
    let took = started.elapsed();
    let mut bad = Vec::new();
    if run.code != 2 {
        bad.push(format!("exit code {} (want 2)", run.code));
    }
    if !run.stdout.is_empty() {
        bad.push(format!(
            "stdout not empty: {:?}",
            run.stdout.chars().take(200).collect::<String>()
        ));
    }
    if run.stderr.trim().is_empty() {
        bad.push("stderr is empty".into());
    }
    if run.stderr.contains("panicked") || run.stderr.contains("RUST_BACKTRACE") {
        bad.push("panicked".into());
    }
    if !run.stderr.contains(&case.mentions) {
        bad.push(format!("stderr does not mention `{}`", case.mentions));
    }
    let want = match case.at {
        At::Nowhere => None,
        At::Exact(line, col) => Some(format!("{}:{line}:{col}", case.mentions)),
        At::Line(line) => Some(format!("{}:{line}:", case.mentions)),
    };
    if let Some(want) = want {
        if !run.stderr.contains(&want) {
            bad.push(format!("stderr does not point at `{want}`"));
        }
    }
    for secret in &case.secrets {
        if run.stdout.contains(secret.as_str()) || run.stderr.contains(secret.as_str()) {
            let head: String = secret.chars().take(24).collect();
            bad.push(format!("output contains token text `{head}...`"));
        }
    }
    if let Some(limit) = case.limit {
        if took > limit {
            bad.push(format!("took {took:?} (limit {limit:?})"));
        }
    }
    if !bad.is_empty() {
        let excerpt: String = run
            .stderr
            .lines()
            .take(4)
            .collect::<Vec<_>>()
            .join("\n    | ");
        bad.push(format!("stderr begins:\n    | {excerpt}"));
    }
    bad
}

#[test]
fn malformed_inputs_are_refused_with_a_located_message() {
    let tmp = TempDir::new();
    let mut cases = committed();
    cases.extend(generated(&tmp));

    assert!(cases.len() >= 30, "only {} cases", cases.len());
    let names: BTreeSet<&str> = cases.iter().map(|c| c.name).collect();
    assert_eq!(names.len(), cases.len(), "case names must be unique");
    let inputs: BTreeSet<&Path> = cases.iter().filter_map(|c| c.fixture.as_deref()).collect();
    assert!(
        inputs.len() >= 34,
        "only {} distinct malformed input files",
        inputs.len()
    );

    let mut failures = Vec::new();
    for case in &cases {
        let bad = judge(case);
        if !bad.is_empty() {
            failures.push(format!("{}:\n  - {}", case.name, bad.join("\n  - ")));
        }
    }
    drop(tmp);
    assert!(
        failures.is_empty(),
        "{} of {} malformed-input cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// Each policy fixture is the valid one with a single fault, so the valid one must pass: a
/// refusal then is the fault's doing, not the template's.
#[test]
fn the_fault_free_template_is_accepted() {
    let run = common::rolecall(
        &[
            "check",
            &fixture("valid-policy.json"),
            "--claims",
            CLAIMS,
            "--now",
            NOW,
        ],
        None,
    );
    assert_eq!(
        run.code, 0,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    for case in committed() {
        if let Some(file) = case.fixture {
            assert!(
                file.is_file(),
                "{}: missing fixture {}",
                case.name,
                file.display()
            );
        }
    }
}

/// Every file in `tests/malformed/` is some case's input (or the valid template).
#[test]
fn every_fixture_is_used() {
    let used: BTreeSet<PathBuf> = committed().into_iter().filter_map(|c| c.fixture).collect();
    let unused: Vec<String> = common::files(&common::path(DIR), "")
        .into_iter()
        .filter(|p| !used.contains(p))
        .filter(|p| !p.ends_with("valid-policy.json"))
        .map(|p| p.display().to_string())
        .collect();
    assert!(unused.is_empty(), "unused fixtures: {unused:?}");
}
