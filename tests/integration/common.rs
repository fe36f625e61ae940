//! Paths into the repository and a runner for the built binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn path(rel: &str) -> PathBuf {
    repo().join(rel)
}

/// Every file under `dir` (recursively) whose name ends with `suffix`, sorted.
pub fn files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.to_string_lossy().ends_with(suffix) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The result of one run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Run `rolecall` with `args` (and optional stdin), with colour and CI variables cleared.
pub fn rolecall(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rolecall"));
    cmd.args(args)
        .current_dir(repo())
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn rolecall");
    if let (Some(bytes), Some(mut pipe)) = (stdin, child.stdin.take()) {
        use std::io::Write;
        // A process that exits early closes the pipe; that is not a test failure here.
        let _ = pipe.write_all(bytes);
    }
    let out: Output = child.wait_with_output().expect("wait for rolecall");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `git` in `dir` with a throwaway identity; its trimmed stdout. A failing command fails the
/// test.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A checkout whose base commit holds the seed's `base` policy as `iam/role.json` and whose
/// HEAD replaces it with `head` (a pull request's two ends); the checkout and the base commit.
pub fn pull_request(base: &str, head: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let role = dir.path().join("iam/role.json");
    std::fs::create_dir_all(role.parent().unwrap()).unwrap();
    let seed = |name: &str| std::fs::read(path(&format!("corpus/policies/seed/{name}"))).unwrap();
    git(dir.path(), &["init", "-q"]);
    std::fs::write(&role, seed(base)).unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "base"]);
    let sha = git(dir.path(), &["rev-parse", "HEAD"]);
    std::fs::write(&role, seed(head)).unwrap();
    git(dir.path(), &["commit", "-qam", "the change"]);
    (dir, sha)
}

/// The role a reader found at `address` (every address found, and the errors, when none is).
pub fn found<'o>(
    out: &'o rolecall::source::ReadOutput,
    address: &str,
) -> &'o rolecall::source::Found {
    out.found
        .iter()
        .find(|f| f.address == address)
        .unwrap_or_else(|| {
            let all: Vec<_> = out.found.iter().map(|f| &f.address).collect();
            panic!("no {address} in {all:?}; errors {:?}", out.errors)
        })
}

/// The 1-based line of byte `offset` in file `file` of a read.
pub fn line(out: &rolecall::source::ReadOutput, file: usize, offset: usize) -> usize {
    rolecall::json::line_col(&out.files[file].text, offset).0
}

/// The 1-based line of the first line of `file` containing `needle`.
pub fn line_of(out: &rolecall::source::ReadOutput, file: usize, needle: &str) -> usize {
    out.files[file]
        .text
        .lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{needle} not in file"))
}
