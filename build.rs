//! Stamps the binary's `--version` with the git commit it was built from, when it is built
//! from a checkout of its own repository. Anywhere else (a packaged crate, no `git`, a crate
//! vendored inside another repository) the version is the crate's alone.

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let long = match commit() {
        Some(c) => format!("{version} ({c})"),
        None => version,
    };
    println!("cargo:rustc-env=ROLECALL_VERSION={long}");
}

/// The short hash of HEAD, or `None` when this is not our own checkout.
fn commit() -> Option<String> {
    let dir = std::env::var("CARGO_MANIFEST_DIR").ok()?;
    let top = git(&dir, &["rev-parse", "--show-toplevel"])?;
    // Only our own repository: a crate unpacked inside another checkout must not take its
    // commit.
    if Path::new(&top).canonicalize().ok()? != Path::new(&dir).canonicalize().ok()? {
        return None;
    }
    // Rebuild when HEAD moves: HEAD itself, the branch it names, and packed refs.
    for name in ["HEAD", "packed-refs"] {
        if let Some(p) = git(&dir, &["rev-parse", "--git-path", name]) {
            println!(
                "cargo:rerun-if-changed={}",
                Path::new(&dir).join(p).display()
            );
        }
    }
    if let Some(branch) = git(&dir, &["symbolic-ref", "-q", "HEAD"]) {
        if let Some(p) = git(&dir, &["rev-parse", "--git-path", &branch]) {
            println!(
                "cargo:rerun-if-changed={}",
                Path::new(&dir).join(p).display()
            );
        }
    }
    // No "-dirty" mark: cargo reruns this script when HEAD moves, not when a file is edited,
    // so the mark would go stale.
    git(&dir, &["rev-parse", "--short=12", "HEAD"])
}

/// A git command's trimmed stdout, or `None` if git is missing or fails.
fn git(dir: &str, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}
