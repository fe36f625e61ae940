//! Finding the files to read: named files as given, directories walked as ripgrep walks them
//! (the `ignore` crate: `.gitignore`, `.ignore` and hidden files honoured), with `.git/`,
//! `node_modules/` and `.terraform/` always skipped.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::document::SourceError;

/// File name endings a directory walk considers, matched in any letter case. Which reader
/// reads a file is decided by its content, not by this.
pub const EXTENSIONS: &[&str] = &[".json", ".yaml", ".yml", ".template", ".tf", ".tf.json"];

/// Directories never walked into, with or without a `.gitignore` saying so.
pub const SKIPPED_DIRS: &[&str] = &[".git", "node_modules", ".terraform"];

/// A file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub path: PathBuf,
    /// Given on the command line (not found by walking).
    pub named: bool,
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct Discovery {
    /// In the order the paths were given; each directory's files sorted by path.
    pub candidates: Vec<Candidate>,
    /// Entries the walk could not read (a directory without permission, a loop).
    pub errors: Vec<SourceError>,
}

/// Does a file name end in one of [`EXTENSIONS`], in any case?
pub fn has_source_extension(path: &Path) -> bool {
    let Some(name) = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
    else {
        return false;
    };
    EXTENSIONS.iter().any(|e| name.ends_with(e))
}

/// The files under `paths`: a named file is taken whatever its name; a directory is walked.
/// A file named twice, or reached twice, is listed once.
pub fn discover(paths: &[PathBuf]) -> Discovery {
    let mut out = Discovery::default();
    let mut seen = HashSet::new();
    let mut push = |out: &mut Discovery, path: PathBuf, named: bool| {
        let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if seen.insert(key) {
            out.candidates.push(Candidate { path, named });
        }
    };
    for p in paths {
        if p.as_os_str() != "-" && p.is_dir() {
            for found in walk(p, &mut out.errors) {
                push(&mut out, found, false);
            }
        } else {
            push(&mut out, p.clone(), true);
        }
    }
    out
}

fn walk(dir: &Path, errors: &mut Vec<SourceError>) -> Vec<PathBuf> {
    let walker = ignore::WalkBuilder::new(dir)
        .follow_links(false)
        // A `.gitignore` applies outside a git checkout too (an unpacked archive, CI cache).
        .require_git(false)
        .sort_by_file_path(Path::cmp)
        .filter_entry(|e| {
            !(e.depth() > 0
                && e.file_type().is_some_and(|t| t.is_dir())
                && SKIPPED_DIRS.iter().any(|s| e.file_name() == *s))
        })
        .build();
    let mut files = Vec::new();
    for entry in walker {
        match entry {
            Ok(e) => {
                // A symlink is not followed into a directory, but a link to a file (or a
                // dangling one, reported when read) is a candidate like any file.
                let is_file = e.file_type().is_some_and(|t| t.is_file() || t.is_symlink())
                    && !e.path().is_dir();
                if is_file && has_source_extension(e.path()) {
                    files.push(e.into_path());
                }
            }
            Err(e) => errors.push(SourceError::unread(
                dir,
                "io",
                format!("cannot walk it: {e}"),
            )),
        }
    }
    files
}
