//! `lint --witness-dir`: each finding's witness saved as a claims file that `rolecall check
//! --claims` reads, so the "reproduce" line names a real file.
//!
//! Files are named from the finding's fingerprint (the baseline identity), so a re-run writes
//! the same names and a baseline entry leads to its file. Writing is all or nothing: every file
//! goes to a hidden temporary name first and is renamed into place only when all were written,
//! so an error leaves no half-written or partial set behind.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use thiserror::Error;

use super::Witness;

/// Why the witness files could not be written.
#[derive(Debug, Error)]
#[error("{path}: {message}")]
pub struct WitnessDirError {
    pub path: String,
    pub message: String,
}

/// The file name for the witness of the finding with this fingerprint: the rule id, for a
/// reader, then 16 hex digits of the fingerprint's SHA-256, which a path-bearing fingerprint
/// cannot be used as directly (slashes, length).
pub fn file_name(rule: &str, fingerprint: &str) -> String {
    let digest = Sha256::digest(fingerprint.as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("{rule}-{hex}.json")
}

/// One witness to save: the finding's rule, fingerprint and witness.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub rule: &'a str,
    pub fingerprint: &'a str,
    pub witness: &'a Witness,
}

/// Write every entry's claims to `dir` (created if missing) and return each entry's path, in
/// order. Entries with the same fingerprint share one file.
pub fn write(dir: &Path, entries: &[Entry<'_>]) -> Result<Vec<PathBuf>, WitnessDirError> {
    let fail = |path: &Path, e: std::io::Error| WitnessDirError {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(|e| fail(dir, e))?;
    let finals: Vec<PathBuf> = entries
        .iter()
        .map(|e| dir.join(file_name(e.rule, e.fingerprint)))
        .collect();
    let mut staged: Vec<(PathBuf, &PathBuf)> = Vec::new();
    let mut result = Ok(());
    for (entry, target) in entries.iter().zip(&finals) {
        if staged.iter().any(|(_, t)| *t == target) {
            continue;
        }
        // A directory (or anything else) in the way would fail the rename half-way through.
        if target.exists() && !target.is_file() {
            result = Err(WitnessDirError {
                path: target.display().to_string(),
                message: "exists and is not a file".into(),
            });
            break;
        }
        let temp = temp_name(target);
        staged.push((temp.clone(), target));
        if let Err(e) = write_new(&temp, entry.witness) {
            result = Err(fail(&temp, e));
            break;
        }
    }
    if result.is_ok() {
        for (temp, target) in &staged {
            if let Err(e) = std::fs::rename(temp, target) {
                result = Err(fail(target, e));
                break;
            }
        }
    }
    if result.is_err() {
        for (temp, _) in &staged {
            // Already renamed or never created: nothing to remove.
            let _ = std::fs::remove_file(temp);
        }
    }
    result.map(|()| finals)
}

fn temp_name(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

fn write_new(path: &Path, witness: &Witness) -> std::io::Result<()> {
    let mut text = serde_json::to_string_pretty(&witness.claims).map_err(std::io::Error::other)?;
    text.push('\n');
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use serde_json::{json, Map, Value};

    fn witness(sub: &str) -> Witness {
        let Value::Object(claims) =
            json!({"iss": "https://token.actions.githubusercontent.com", "sub": sub})
        else {
            unreachable!()
        };
        Witness {
            claims,
            source_ip: None,
            principal: "token.actions.githubusercontent.com".into(),
            who: "someone".into(),
        }
    }

    #[test]
    fn names_are_stable_and_differ_by_fingerprint() {
        let a = file_name("any-ref-subject", "any-ref-subject|p.json||/Statement/0");
        assert_eq!(
            a,
            file_name("any-ref-subject", "any-ref-subject|p.json||/Statement/0")
        );
        assert_ne!(
            a,
            file_name("any-ref-subject", "any-ref-subject|q.json||/Statement/0")
        );
        assert!(
            a.starts_with("any-ref-subject-") && a.ends_with(".json"),
            "{a}"
        );
        assert_eq!(a.len(), "any-ref-subject-".len() + 16 + ".json".len());
    }

    #[test]
    fn writes_claims_and_leaves_no_temporary_file() {
        let dir = std::env::temp_dir().join(format!("rolecall-wd-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (w1, w2) = (witness("repo:a/b:ref:x"), witness("repo:c/d:ref:y"));
        let entries = [
            Entry {
                rule: "r",
                fingerprint: "one",
                witness: &w1,
            },
            Entry {
                rule: "r",
                fingerprint: "two",
                witness: &w2,
            },
            Entry {
                rule: "r",
                fingerprint: "one",
                witness: &w1,
            },
        ];
        let paths = write(&dir, &entries).unwrap();
        assert_eq!(paths[0], paths[2]);
        let back: Map<String, Value> =
            serde_json::from_slice(&std::fs::read(&paths[1]).unwrap()).unwrap();
        assert_eq!(back, w2.claims);
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
