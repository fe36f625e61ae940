//! `rolecall diff BASE HEAD` and `rolecall diff --git REV [PATHS]`: does HEAD let anyone new
//! assume the role? Exit 1 when access widened, 0 when not, 2 on error.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::Arc;

use clap::{Args, ValueEnum};
use rolecall::json::LineIndex;
use rolecall::model::{self, Diff, Options};
use rolecall::policy::{self, Policy, Version};
use serde_json::{json, Value};

use super::diag::{Diag, IndexedSource};
use super::who::{witness_json, witness_line};
use super::{emit, fail, load};

#[derive(Args)]
pub struct DiffArgs {
    /// BASE and HEAD policy files; with `--git`, paths to limit the comparison to.
    pub paths: Vec<PathBuf>,
    /// Compare every trust policy changed since this git revision with its version there.
    #[arg(long, value_name = "REV")]
    pub git: Option<String>,
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
    Github,
}

/// One role compared: where it lives, and the answer.
struct Compared {
    role: String,
    change: &'static str,
    diff: Diff,
}

pub fn run(args: &DiffArgs) -> ExitCode {
    let compared = match &args.git {
        Some(rev) => git_pairs(rev, &args.paths),
        None => file_pair(&args.paths),
    };
    let compared = match compared {
        Ok(c) => c,
        Err(diags) => return fail(&diags),
    };
    let wider = compared.iter().any(|c| c.diff.is_wider());
    emit(&render(&compared, args.format), "");
    ExitCode::from(u8::from(wider))
}

fn file_pair(paths: &[PathBuf]) -> Result<Vec<Compared>, Vec<Diag>> {
    let [base, head] = paths else {
        return Err(vec![Diag::error(
            "rolecall::usage",
            "diff takes BASE and HEAD policy files (or --git REV [PATHS])",
        )]);
    };
    let b = load_policy(base)?;
    let h = load_policy(head)?;
    let diff = compare(&b, &h)?;
    Ok(vec![Compared {
        role: load_name(head),
        change: "modified",
        diff,
    }])
}

/// The one place policies are loaded, so the source layer can replace it.
fn load_policy(path: &Path) -> Result<Policy, Vec<Diag>> {
    load::policy(path, None).map(|l| l.policy)
}

fn load_name(path: &Path) -> String {
    path.display().to_string()
}

fn compare(base: &Policy, head: &Policy) -> Result<Diff, Vec<Diag>> {
    model::diff(base, head, &Options::default())
        .map_err(|e| vec![Diag::error("rolecall::model-error", e.to_string())])
}

fn parse_text(name: &str, text: String) -> Result<Policy, Vec<Diag>> {
    let text: Arc<str> = Arc::from(text);
    let lines = Arc::new(LineIndex::new(&text));
    policy::parse(&text).map_err(|errors| {
        let source = IndexedSource::new(name, &text, lines);
        load::policy_errors(&errors.0, &source)
    })
}

/// A role that did not exist: it admits no one.
fn nobody() -> Policy {
    Policy {
        version: Version::V2012_10_17,
        id: None,
        statements: Vec::new(),
        warnings: Vec::new(),
    }
}

fn git(args: &[&str]) -> Result<String, Vec<Diag>> {
    let out = Command::new("git").args(args).output().map_err(|e| {
        vec![Diag::error(
            "rolecall::git",
            format!("cannot run `git` ({e}); `diff --git` needs the git binary on PATH"),
        )]
    })?;
    if !out.status.success() {
        return Err(vec![Diag::error(
            "rolecall::git",
            format!(
                "`git {}` failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        )]);
    }
    String::from_utf8(out.stdout)
        .map_err(|_| vec![Diag::error("rolecall::git", "git printed non-UTF-8 output")])
}

/// Is this text a trust policy (a JSON object with a `Statement`)? Other JSON files in the
/// change are not roles.
fn is_policy_text(text: &str) -> bool {
    serde_json::from_str::<Value>(text)
        .ok()
        .is_some_and(|v| v.get("Statement").is_some())
}

/// Every `.json` trust policy changed between REV and the working tree. Roles are matched by
/// path, following renames, so a moved role is still one role.
fn git_pairs(rev: &str, paths: &[PathBuf]) -> Result<Vec<Compared>, Vec<Diag>> {
    let root = git(&["rev-parse", "--show-toplevel"])?.trim().to_string();
    let mut args = vec!["diff", "--name-status", "-M", "-z", rev, "--"];
    let owned: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    args.extend(owned.iter().map(String::as_str));
    let listing = git(&args)?;
    let mut fields = listing.split('\0').filter(|s| !s.is_empty());
    let mut out = Vec::new();
    while let Some(status) = fields.next() {
        let (old, new) = if status.starts_with('R') || status.starts_with('C') {
            (fields.next(), fields.next())
        } else {
            let p = fields.next();
            (p, p)
        };
        let (Some(old), Some(new)) = (old, new) else {
            break;
        };
        if !new.ends_with(".json") && !old.ends_with(".json") {
            continue;
        }
        let head_text = if status.starts_with('D') {
            None
        } else {
            std::fs::read_to_string(Path::new(&root).join(new)).ok()
        };
        let base_text = if status.starts_with('A') {
            None
        } else {
            Some(git(&["show", &format!("{rev}:{old}")])?)
        };
        if !base_text.as_deref().is_some_and(is_policy_text)
            && !head_text.as_deref().is_some_and(is_policy_text)
        {
            continue;
        }
        let base = match base_text {
            Some(t) => parse_text(&format!("{rev}:{old}"), t)?,
            None => nobody(),
        };
        let head = match head_text {
            Some(t) => parse_text(new, t)?,
            None => nobody(),
        };
        let change = match status.chars().next() {
            Some('A') => "added",
            Some('D') => "removed",
            Some('R') => "moved",
            _ => "modified",
        };
        out.push(Compared {
            role: new.to_string(),
            change,
            diff: compare(&base, &head)?,
        });
    }
    Ok(out)
}

fn render(compared: &[Compared], format: DiffFormat) -> String {
    match format {
        DiffFormat::Text => {
            let mut s = String::new();
            for c in compared {
                if c.diff.widened.is_empty() {
                    s.push_str(&format!("{} ({}): no new access\n", c.role, c.change));
                } else {
                    s.push_str(&format!("{} ({}): new access\n", c.role, c.change));
                }
                for w in &c.diff.widened {
                    s.push_str(&format!(
                        "  + {}\n    witness: {}\n",
                        w.sentence,
                        witness_line(&w.witness)
                    ));
                }
                for w in &c.diff.narrowed {
                    s.push_str(&format!("  - {}\n", w.sentence));
                }
            }
            if compared.is_empty() {
                s.push_str("no trust policy changed\n");
            }
            s
        }
        DiffFormat::Json => {
            let roles: Vec<Value> = compared
                .iter()
                .map(|c| {
                    let ways = |v: &[model::Way]| -> Vec<Value> {
                        v.iter()
                            .map(|w| json!({"sentence": w.sentence, "witness": witness_json(&w.witness)}))
                            .collect()
                    };
                    json!({
                        "role": c.role,
                        "change": c.change,
                        "new_access": c.diff.is_wider(),
                        "widened": ways(&c.diff.widened),
                        "narrowed": ways(&c.diff.narrowed),
                    })
                })
                .collect();
            let doc = json!({
                "version": 1,
                "new_access": compared.iter().any(|c| c.diff.is_wider()),
                "roles": roles,
            });
            format!(
                "{}\n",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            )
        }
        DiffFormat::Github => {
            let mut s = String::new();
            for c in compared {
                for w in &c.diff.widened {
                    s.push_str(&format!(
                        "::error file={},title=new access::{}%0Awitness: {}\n",
                        c.role,
                        escape(&w.sentence),
                        escape(&witness_line(&w.witness))
                    ));
                }
                for w in &c.diff.narrowed {
                    s.push_str(&format!(
                        "::notice file={},title=narrowed::{}\n",
                        c.role,
                        escape(&w.sentence)
                    ));
                }
            }
            s
        }
    }
}

/// GitHub workflow-command escaping of a message.
fn escape(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}
