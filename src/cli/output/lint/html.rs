//! `lint --format html`: an audit report in one self-contained file. No network, no external
//! asset: the style, the script and an inline-SVG chart are in the page.
//!
//! The summary (by severity, rule and provider) and the chart are HTML written here; the role
//! table is drawn by the page's script from one JSON object, so a 10,000-role account dump
//! gives a page that renders the rows it shows, not all of them. Everything from the input is
//! escaped: HTML text with [`esc`], the JSON with [`script_json`] (no `<`, `>` or `&` in it,
//! so a `</script>` in a policy cannot end the script), and the script builds rows with
//! `textContent`, never `innerHTML`.
//!
//! **Exposure** puts each role with findings in the widest identity set it admits: by its
//! breadth findings, cross-tenant (`cross-tenant-subject`, `wildcard-principal`,
//! `fail-open-condition`, `refused-at-next-edit`, `missing-subject-condition` on an issuer
//! shared by every customer, Cognito's `missing-audience-condition`),
//! tenant-wide (`tenant-wide-subject`, `missing-subject-condition`, `guest-identities-admitted`,
//! `any-namespace-subject`), one repository (`any-ref-subject`, `ref-type-wildcard`,
//! `unprotected-ref-trusted`); without one, by its `who` summary: one environment or narrower
//! (some token gets in), no token admitted, or not decided (the model refused it, or the
//! policy did not parse). Roles without findings are not in the report.
//!
//! **Who** (each role's `rolecall who` summary) is worked out by the lint run
//! ([`rolecall::lint::LintOptions::who`]) and only rendered here: every way in, in the
//! provider's terms, with a witness and its `rolecall check` replay, or the model's reason for
//! not deciding the role exactly.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use rolecall::lint::Severity;
use rolecall::model::RoleWho;
use rolecall::providers::{Profile, ALL};
use serde_json::{json, Value};

use super::Located;

/// The exposure buckets, widest first, with the rules that put a role in each. A role with no
/// breadth finding goes by its `who` summary: it admits some token (one environment or
/// narrower), none, or the model did not decide it (nor a policy that did not parse).
const EXPOSURE: [(&str, &[&str]); 6] = [
    (
        "cross-tenant",
        &[
            "cross-tenant-subject",
            "wildcard-principal",
            "fail-open-condition",
            // A shared issuer's `sub` and `job_workflow_ref` left open: they carry the tenant.
            "refused-at-next-edit",
        ],
    ),
    (
        "tenant-wide",
        &[
            "tenant-wide-subject",
            "missing-subject-condition",
            // Every identity of the pool, guests too; every namespace of the cluster.
            "guest-identities-admitted",
            "any-namespace-subject",
        ],
    ),
    (
        "one repository",
        &[
            "any-ref-subject",
            "ref-type-wildcard",
            "unprotected-ref-trusted",
        ],
    ),
    ("one environment or narrower", &[]),
    ("no token admitted", &[]),
    ("not decided", &[]),
];
const NARROW: usize = 3;
const NOBODY: usize = 4;
const UNDECIDED: usize = 5;

/// Characters of policy text shown on each side of a finding's value, and of the value.
/// (Kept short: a dump's report holds thousands of excerpts, and the page's load time is its
/// size.)
const CONTEXT_CHARS: usize = 160;
const HIT_CHARS: usize = 400;

fn exposure_of(rule: &str) -> usize {
    EXPOSURE
        .iter()
        .take(NARROW)
        .position(|(_, rules)| rules.contains(&rule))
        .unwrap_or(NARROW)
}

/// A finding's bucket, the provider's tenancy considered: no `sub` condition on an issuer
/// shared by every customer (GitHub, Buildkite, ...) admits other tenants, not one tenant; and
/// `missing-audience-condition` is cross-tenant for Cognito identity pools, where every pool in
/// every account mints tokens for one issuer and `aud` is the pool (elsewhere STS checks `aud`
/// against the provider's client IDs).
fn finding_exposure(l: &Located, provider: Option<&str>) -> usize {
    let profile = provider.and_then(|name| ALL.iter().find(|p| p.name == name));
    match (l.finding.rule, profile) {
        ("missing-subject-condition", Some(p)) if p.is_shared() => 0,
        ("missing-audience-condition", Some(p)) if p.id == "cognito-identity" => 0,
        (rule, _) => exposure_of(rule),
    }
}

fn severity_rank(s: Severity) -> usize {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Note => 2,
    }
}

/// One role (or one policy file) and its findings.
struct Role<'a> {
    name: String,
    file: &'a str,
    provider: Option<&'static str>,
    findings: Vec<&'a Located>,
    /// What the role admits (`who`), when the lint worked it out.
    who: Option<&'a RoleWho>,
}

pub fn render(located: &[Located], baselined: usize, out: &mut dyn Write) -> io::Result<()> {
    let roles = group(located);
    let mut html = String::with_capacity(64 * 1024);
    html.push_str(HEAD);
    summary(&mut html, located, &roles, baselined);
    chart(&mut html, &roles);
    html.push_str(TABLE);
    out.write_all(html.as_bytes())?;
    out.write_all(b"<script type=\"application/json\" id=\"data\">")?;
    write_data(&roles, out)?;
    out.write_all(b"</script>\n<script>")?;
    out.write_all(SCRIPT.as_bytes())?;
    out.write_all(b"</script>\n</body>\n</html>\n")
}

fn group(located: &[Located]) -> Vec<Role<'_>> {
    let mut index: BTreeMap<(&str, Option<&str>), usize> = BTreeMap::new();
    let mut roles: Vec<Role<'_>> = Vec::new();
    for l in located {
        let key = (l.file.as_str(), l.role.as_deref());
        let i = *index.entry(key).or_insert_with(|| {
            roles.push(Role {
                name: l.role.clone().unwrap_or_else(|| l.file.clone()),
                file: &l.file,
                provider: None,
                findings: Vec::new(),
                who: None,
            });
            roles.len() - 1
        });
        if let Some(r) = roles.get_mut(i) {
            r.provider = r.provider.or_else(|| provider(l));
            r.who = r.who.or(l.who.as_deref());
            r.findings.push(l);
        }
    }
    roles
}

/// The provider the finding's role federates: from the witness's principal, else from the
/// nearest `oidc-provider/` ARN in the policy text around the finding.
fn provider(l: &Located) -> Option<&'static str> {
    const MARK: &str = "oidc-provider/";
    let from_arn = |s: &str| {
        let host = s.split_once(MARK).map_or(s, |(_, rest)| rest);
        let host = host.split(['"', '\n']).next().unwrap_or(host);
        Profile::for_prefix(host).map(|p| p.name)
    };
    if let Some(w) = &l.finding.witness {
        if let Some(p) = from_arn(&w.principal) {
            return Some(p);
        }
    }
    let text = &*l.source;
    let at = l.finding.loc.span.start.min(text.len());
    // A role in an account dump shares the file with its neighbours: look only nearby.
    let window = if l.role.is_some() && l.source_name == l.file {
        4096
    } else {
        text.len()
    };
    let before = text.get(at.saturating_sub(window)..at).unwrap_or_default();
    let after = text
        .get(at..(at + window).min(text.len()))
        .unwrap_or_default();
    before
        .rfind(MARK)
        .and_then(|i| before.get(i..))
        .and_then(from_arn)
        .or_else(|| {
            after
                .find(MARK)
                .and_then(|i| after.get(i..))
                .and_then(from_arn)
        })
}

fn summary(html: &mut String, located: &[Located], roles: &[Role<'_>], baselined: usize) {
    let count = |s: Severity| located.iter().filter(|l| l.finding.severity == s).count();
    // A count in its severity's colour, or muted when there is none to look at.
    let counted = |s: Severity, what: &str| {
        let n = count(s);
        let class = if n > 0 { s.as_str() } else { "none" };
        format!("<b class=\"sev-{class}\">{n} {what}</b>")
    };
    let _ = writeln!(
        html,
        "<header><h1>rolecall audit report</h1><p>{} role(s) or file(s) with findings: \
         {}, {}, {}{}.{} Generated by rolecall {}.</p></header>",
        roles.len(),
        counted(Severity::Error, "error(s)"),
        counted(Severity::Warning, "warning(s)"),
        counted(Severity::Note, "note(s)"),
        if baselined > 0 {
            format!("; {baselined} finding(s) already in the baseline")
        } else {
            String::new()
        },
        who_counts(roles),
        esc(env!("CARGO_PKG_VERSION")),
    );
    let mut by_rule: BTreeMap<&str, (Severity, usize)> = BTreeMap::new();
    for l in located {
        let e = by_rule
            .entry(l.finding.rule)
            .or_insert((l.finding.severity, 0));
        e.0 = e.0.max(l.finding.severity);
        e.1 += 1;
    }
    let mut by_provider: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in roles {
        let e = by_provider
            .entry(r.provider.unwrap_or("not recognised"))
            .or_default();
        e.0 += 1;
        e.1 += r.findings.len();
    }
    html.push_str("<section class=\"summary\"><table id=\"by-severity\"><caption>By severity</caption><tr><th>severity</th><th>findings</th></tr>");
    for s in [Severity::Error, Severity::Warning, Severity::Note] {
        let _ = write!(
            html,
            "<tr><td class=\"sev-{0}\">{0}</td><td>{1}</td></tr>",
            s.as_str(),
            count(s)
        );
    }
    html.push_str("</table><table id=\"by-rule\"><caption>By rule</caption><tr><th>rule</th><th>severity</th><th>findings</th></tr>");
    for (rule, (sev, n)) in &by_rule {
        let _ = write!(
            html,
            "<tr><td><code>{}</code></td><td class=\"sev-{1}\">{1}</td><td>{2}</td></tr>",
            esc(rule),
            sev.as_str(),
            n
        );
    }
    html.push_str("</table><table id=\"by-provider\"><caption>By provider</caption><tr><th>provider</th><th>roles</th><th>findings</th></tr>");
    for (p, (r, n)) in &by_provider {
        let _ = write!(html, "<tr><td>{}</td><td>{r}</td><td>{n}</td></tr>", esc(p));
    }
    html.push_str("</table></section>\n");
}

/// How many roles' `who` summaries the model decided, and how many it refused.
fn who_counts(roles: &[Role<'_>]) -> String {
    let refused = roles
        .iter()
        .filter(|r| matches!(r.who, Some(RoleWho::Refused(_))))
        .count();
    let decided = roles
        .iter()
        .filter(|r| matches!(r.who, Some(RoleWho::Admits(_))))
        .count();
    if decided + refused == 0 {
        return String::new();
    }
    let mut s = format!(" Who can assume each role (<code>rolecall who</code>): {decided} decided");
    if refused > 0 {
        let _ = write!(
            s,
            ", <b class=\"sev-warning\" id=\"who-refused\">{refused} the model could not \
             decide exactly</b>"
        );
    }
    s.push('.');
    s
}

/// Roles by the widest identity set they admit, as horizontal bars.
fn chart(html: &mut String, roles: &[Role<'_>]) {
    let mut counts = [0usize; EXPOSURE.len()];
    for r in roles {
        if let Some(c) = counts.get_mut(widest(r)) {
            *c += 1;
        }
    }
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    let colours = [
        "#b3261e", "#c26a00", "#8a7a00", "#3b7d3b", "#7a8aa0", "#9a9aa4",
    ];
    let _ = write!(
        html,
        "<section><h2>Exposure</h2><p>Roles with findings, by the widest identity set they \
         admit: from their breadth findings, else from what <code>rolecall who</code> finds.</p><svg id=\"exposure\" role=\"img\" \
         aria-label=\"roles by exposure\" width=\"640\" height=\"{}\" \
         xmlns=\"http://www.w3.org/2000/svg\">",
        EXPOSURE.len() * 34 + 8
    );
    for (i, ((label, _), n)) in EXPOSURE.iter().zip(counts).enumerate() {
        let y = i * 34 + 4;
        let w = (n * 380).div_ceil(max);
        let _ = write!(
            html,
            "<text x=\"0\" y=\"{ty}\" font-size=\"13\">{label}</text>\
             <rect x=\"210\" y=\"{y}\" width=\"{w}\" height=\"24\" fill=\"{c}\"><title>{label}: \
             {n} role(s)</title></rect><text x=\"{tx}\" y=\"{ty}\" font-size=\"13\">{n}</text>",
            ty = y + 17,
            label = esc(label),
            c = colours.get(i).unwrap_or(&"#555"),
            tx = 216 + w,
        );
    }
    html.push_str("</svg></section>\n");
}

fn widest(r: &Role<'_>) -> usize {
    let by_findings = r
        .findings
        .iter()
        .map(|l| finding_exposure(l, r.provider))
        .min()
        .unwrap_or(NARROW);
    if by_findings < NARROW {
        return by_findings;
    }
    match r.who {
        Some(RoleWho::Admits(w)) if w.lines.is_empty() => NOBODY,
        Some(RoleWho::Admits(_)) => NARROW,
        Some(RoleWho::Refused(_)) | None => UNDECIDED,
    }
}

/// `{"exposure": [...], "roles": [{n, f, p, x, s, k: [findings]}], "t": [strings]}`, escaped
/// for a script element. The long texts of a finding (message, help, excerpt, witness) are
/// indices into `t`, each text once: an account's roles repeat a few templates, and the page
/// loads in the time its size takes. Written role by role: a dump's report is large.
fn write_data(roles: &[Role<'_>], out: &mut dyn Write) -> io::Result<()> {
    let labels: Vec<&str> = EXPOSURE.iter().map(|(l, _)| *l).collect();
    write!(
        out,
        "{{\"exposure\":{},\"roles\":[",
        script_json(&json!(labels))
    )?;
    let mut texts = Texts::default();
    for (i, r) in roles.iter().enumerate() {
        let worst = r
            .findings
            .iter()
            .map(|l| severity_rank(l.finding.severity))
            .min()
            .unwrap_or(2);
        let role = json!({
            "n": r.name,
            "f": r.file,
            "p": r.provider.unwrap_or("not recognised"),
            "x": widest(r),
            "s": worst,
            "k": r.findings.iter().map(|l| finding(l, &mut texts)).collect::<Vec<_>>(),
            "a": u8::from(r.findings.iter().any(|l| l.role.is_some())),
            "w": r.who.map(|w| who(w, &mut texts)),
        });
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(script_json(&role).as_bytes())?;
    }
    write!(out, "],\"t\":{}}}", script_json(&json!(texts.list)))
}

/// Each distinct text once, by index.
#[derive(Default)]
struct Texts {
    index: std::collections::HashMap<String, usize>,
    list: Vec<String>,
}

impl Texts {
    fn id(&mut self, text: String) -> usize {
        if let Some(i) = self.index.get(&text) {
            return *i;
        }
        self.list.push(text.clone());
        self.index.insert(text, self.list.len() - 1);
        self.list.len() - 1
    }
}

fn finding(l: &Located, texts: &mut Texts) -> Value {
    let f = &l.finding;
    let (before, hit, after, first_line) = excerpt(l);
    json!({
        "r": f.rule,
        "s": severity_rank(f.severity),
        "m": texts.id(f.message.clone()),
        "h": f.help.clone().map(|h| texts.id(h)),
        "at": format!("{}:{}:{}", l.file, l.line, l.column),
        "e": [first_line, texts.id(before), texts.id(hit), texts.id(after)],
        "w": f.witness.as_ref().map(|w| json!({
            "who": texts.id(w.who.clone()),
            "claims": texts.id(serde_json::to_string(&w.claims).unwrap_or_default()),
            "cmd": replay(l, w.source_ip.map(|ip| ip.to_string())),
        })),
    })
}

/// A role's `who` summary: `{"x": reason}` when the model refused it, else `{"l": [lines]}`,
/// each line `{t: words, c: claims, a: check arguments}`. The page replays a line with
/// `rolecall check FILE [--resource ROLE] --claims witness.json ARGS` after saving its claims.
fn who(w: &RoleWho, texts: &mut Texts) -> Value {
    match w {
        RoleWho::Refused(why) => json!({ "x": texts.id(why.clone()) }),
        RoleWho::Admits(who) => json!({
            "l": who.lines.iter().map(|l| json!({
                "t": texts.id(l.describe()),
                "c": texts.id(serde_json::to_string(&l.witness.claims).unwrap_or_default()),
                "a": texts.id(l.witness.check_args().iter().map(|a| arg(a)).collect::<Vec<_>>().join(" ")),
            })).collect::<Vec<_>>(),
        }),
    }
}

/// The policy text around the finding: (before, the value, after, first line number).
fn excerpt(l: &Located) -> (String, String, String, usize) {
    let text = &*l.source;
    let lines = &l.source_lines;
    let span = &l.finding.loc.span;
    let start = span.start.min(text.len());
    let end = span.end.clamp(start, text.len());
    let first = lines.line_of(start).saturating_sub(2);
    let last = lines.line_of(end.saturating_sub(1).max(start)) + 3;
    let from = lines.line_start(first, text.len()).min(start);
    let to = lines.line_start(last, text.len()).max(end);
    let context = text.get(from..start).unwrap_or_default();
    let kept = tail_start(context, CONTEXT_CHARS);
    let before = match context.get(kept..) {
        Some(rest) if kept > 0 => format!("…{rest}"),
        _ => context.to_string(),
    };
    let hit = head(text.get(start..end).unwrap_or_default(), HIT_CHARS);
    let after = head(text.get(end..to).unwrap_or_default(), CONTEXT_CHARS);
    let first_line = lines.line_of(from + kept) + 1;
    (before, hit, after.trim_end().to_string(), first_line)
}

/// At most `n` characters from the start, `…` marking a cut.
fn head(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or_default()),
        None => s.to_string(),
    }
}

/// Where the last `n` characters of `s` start (a byte index; 0 when `s` is shorter).
fn tail_start(s: &str, n: usize) -> usize {
    match s.char_indices().rev().nth(n.saturating_sub(1)) {
        Some((i, _)) if n > 0 => i,
        _ => 0,
    }
}

/// The shell commands that replay the witness with `rolecall check`, after the one that
/// saves its claims as `witness.json`: the page adds that one from `claims`, so the claims are
/// not in the page twice. A policy inside a role listing or dump is first extracted with jq
/// (and URL-decoded when IAM encoded it).
fn replay(l: &Located, ip: Option<String>) -> String {
    let ip = ip
        .map(|ip| format!(" --source-ip {ip}"))
        .unwrap_or_default();
    let Some(at) = l.pointer.find("/AssumeRolePolicyDocument") else {
        return format!("rolecall check {} --claims witness.json{ip}", sh(&l.file));
    };
    let doc = l
        .pointer
        .get(..at + "/AssumeRolePolicyDocument".len())
        .unwrap_or_default();
    let path: String = doc
        .split('/')
        .skip(1)
        .map(|seg| {
            let seg = seg.replace("~1", "/").replace("~0", "~");
            if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
                format!("[{seg}]")
            } else {
                format!(".{}", serde_json::to_string(&seg).unwrap_or_default())
            }
        })
        .collect();
    let encoded = l.source_name != l.file;
    let extract = if encoded {
        format!(
            "jq -r {} {} | python3 -c 'import sys, urllib.parse; \
             print(urllib.parse.unquote(sys.stdin.read().strip()))' > policy.json",
            sh(&path),
            sh(&l.file)
        )
    } else {
        format!("jq {} {} > policy.json", sh(&path), sh(&l.file))
    };
    format!("{extract}\nrolecall check policy.json --claims witness.json{ip}")
}

/// A single-quoted shell word (report.js's `shellWord` is the same).
fn sh(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A shell word as it is when the shell would read it back unchanged, else quoted.
fn arg(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s.to_string()
    } else {
        sh(s)
    }
}

/// HTML text or attribute value.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// JSON safe inside `<script>`: `<`, `>` and `&` as `\u` escapes (the same string to JSON).
fn script_json(v: &Value) -> String {
    serde_json::to_string(v)
        .unwrap_or_else(|_| "null".to_string())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

const HEAD: &str = include_str!("html/head.html");
const TABLE: &str = include_str!("html/table.html");
const SCRIPT: &str = include_str!("html/report.js");

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn script_json_has_no_markup_characters_and_round_trips() {
        let v = json!({"p": "</script><!-- & \u{2028}"});
        let s = script_json(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        assert_eq!(serde_json::from_str::<Value>(&s).unwrap(), v);
    }

    #[test]
    fn cuts_keep_character_boundaries() {
        assert_eq!(head("ééé", 2), "éé…");
        assert_eq!("ééé".get(tail_start("ééé", 2)..), Some("éé"));
        assert_eq!(head("ab", 2), "ab");
        assert_eq!(tail_start("ab", 2), 0);
        assert_eq!(tail_start("abc", 2), 1);
    }

    #[test]
    fn shell_words_survive_quotes() {
        assert_eq!(sh("it's"), r"'it'\''s'");
        assert_eq!(arg("--provider"), "--provider");
        assert_eq!(
            arg("arn:aws:iam::1:oidc-provider/x.y/z"),
            "arn:aws:iam::1:oidc-provider/x.y/z"
        );
        assert_eq!(arg("a b"), "'a b'");
        assert_eq!(arg(""), "''");
    }

    #[test]
    fn exposure_buckets_by_rule() {
        assert_eq!(exposure_of("cross-tenant-subject"), 0);
        assert_eq!(exposure_of("missing-subject-condition"), 1);
        assert_eq!(exposure_of("any-ref-subject"), 2);
        assert_eq!(exposure_of("duplicate-sid"), NARROW);
        assert_eq!(exposure_of("refused-at-next-edit"), 0);
        assert_eq!(exposure_of("guest-identities-admitted"), 1);
    }
}
