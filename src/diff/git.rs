//! `diff --git REV`: the roles of every file changed since REV, at REV and in the working
//! tree. The `git` binary lists and reads the files (a clear error when it is missing); the
//! texts go through the source layer like any other input. Terraform is read per module
//! directory, so when any `.tf` file changed, every `.tf` module under the paths is read on
//! both sides (at REV from a temporary copy) and only the roles whose policy changed are kept.
//! Untracked files (not ignored) count as added: the working tree is what is compared.
//! A changed CloudFormation template reads the templates of its nested stacks on its own side:
//! at REV with `git show REV:path`, in the working tree from disk; a changed file that is the
//! nested template of another changed file comes only with it. An unchanged parent is not
//! read, so a changed child alone is compared as a template of its own on both sides.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use super::roles::Sided;
use super::DiffError;
use crate::source::{
    self, discover, documents_of_terraform, documents_of_texts, is_terraform, named_text, Document,
    SourceError,
};

/// Both sides' roles.
pub struct Sides {
    pub base: Vec<Sided>,
    pub head: Vec<Sided>,
}

fn git(args: &[&str]) -> Result<Vec<u8>, DiffError> {
    let out = Command::new("git").args(args).output().map_err(|e| {
        DiffError::Git(format!(
            "cannot run `git` ({e}); `diff --git` needs the git binary on PATH"
        ))
    })?;
    if !out.status.success() {
        return Err(DiffError::Git(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(out.stdout)
}

fn git_text(args: &[&str]) -> Result<String, DiffError> {
    String::from_utf8(git(args)?)
        .map_err(|_| DiffError::Git(format!("`git {}` printed non-UTF-8 output", args.join(" "))))
}

/// One entry of `git diff --name-status`: BASE's path (`None` when added) and HEAD's (`None`
/// when deleted), both relative to the repository root.
struct Changed {
    old: Option<String>,
    new: Option<String>,
    renamed: bool,
}

fn changes(rev: &str, paths: &[String]) -> Result<Vec<Changed>, DiffError> {
    // Renames are found by git's similarity; a heavily edited file that falls below it is a
    // delete and an add, and its roles are still matched by address.
    let mut args = vec!["diff", "--name-status", "-M", "-z", rev, "--"];
    args.extend(paths.iter().map(String::as_str));
    let listing = git_text(&args)?;
    let mut fields = listing.split('\0').filter(|s| !s.is_empty());
    let mut out = Vec::new();
    while let Some(status) = fields.next() {
        let two = status.starts_with('R') || status.starts_with('C');
        let first = fields.next().map(str::to_string);
        let second = if two {
            fields.next().map(str::to_string)
        } else {
            first.clone()
        };
        let (old, new) = match status.chars().next() {
            Some('A') => (None, second),
            Some('D') => (first, None),
            // A copy leaves its source in place: HEAD has a new file.
            Some('C') => (None, second),
            _ => (first, second),
        };
        out.push(Changed {
            old,
            new,
            renamed: status.starts_with('R'),
        });
    }
    // Files not yet added are in the working tree too: a new role is new access whether or
    // not it is staged (ignored files stay out, as git leaves them out).
    let mut args = vec![
        "ls-files",
        "--others",
        "--exclude-standard",
        "--full-name",
        "-z",
        "--",
    ];
    args.extend(paths.iter().map(String::as_str));
    let untracked = git_text(&args)?;
    out.extend(
        untracked
            .split('\0')
            .filter(|s| !s.is_empty())
            .map(|p| Changed {
                old: None,
                new: Some(p.to_string()),
                renamed: false,
            }),
    );
    Ok(out)
}

/// Is this path one the source layer reads (by its name; the reader is then picked by
/// content)?
fn readable(path: &str) -> bool {
    source::discover::has_source_extension(Path::new(path))
}

/// The roles changed since `rev` under `paths`, at `rev` and in the working tree.
pub fn sides(rev: &str, paths: &[PathBuf]) -> Result<Sides, DiffError> {
    let root = PathBuf::from(git_text(&["rev-parse", "--show-toplevel"])?.trim());
    git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("{rev}^{{commit}}"),
    ])
    .map_err(|_| DiffError::Git(format!("`{rev}` is not a commit of this repository")))?;
    let specs: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let changed = changes(rev, &specs)?;
    let renames: BTreeMap<String, String> = changed
        .iter()
        .filter(|c| c.renamed)
        .filter_map(|c| Some((c.old.clone()?, c.new.clone()?)))
        .collect();

    let mut base_texts = Vec::new();
    let mut head_texts = Vec::new();
    let mut errors = Vec::new();
    let mut terraform = false;
    for c in &changed {
        let names = [c.old.as_deref(), c.new.as_deref()];
        if names.iter().flatten().any(|p| is_terraform(Path::new(p))) {
            terraform = true;
            continue;
        }
        if !names.iter().flatten().any(|p| readable(p)) {
            continue;
        }
        if let Some(old) = &c.old {
            let bytes = git(&["show", &format!("{rev}:{old}")])?;
            match source::from_bytes(Path::new(old), bytes) {
                Ok(f) => base_texts.push(named_text(
                    &format!("{rev}:{old}"),
                    PathBuf::from(old),
                    Arc::clone(&f.text),
                )),
                Err(e) => errors.push(e),
            }
        }
        if let Some(new) = &c.new {
            match source::read_file(&root.join(new)) {
                Ok(f) => head_texts.push(named_text(new, root.join(new), Arc::clone(&f.text))),
                Err(e) => errors.push(e),
            }
        }
    }
    // A template's nested stacks are read on its own side: at REV from git, in the working
    // tree from disk.
    #[allow(
        clippy::result_large_err,
        reason = "the fetch's error is the source layer's located file error"
    )]
    let at_rev = |p: &Path| {
        let bytes = git(&["show", &format!("{rev}:{}", git_path(p))])
            .map_err(|e| SourceError::unread(p, "not-found", format!("not at {rev}: {e}")))?;
        source::from_bytes(p, bytes).map(|f| Arc::clone(&f.text))
    };
    let (base_docs, e) =
        documents_of_texts(base_texts, &at_rev, |p| format!("{rev}:{}", git_path(p)));
    errors.extend(e);
    let (head_docs, e) = documents_of_texts(head_texts, &source::cloudformation::from_disk, |p| {
        relative(&root, p)
    });
    errors.extend(e);
    let mut base: Vec<Sided> = base_docs
        .into_iter()
        .map(|doc| based(doc, &renames, |p| p.to_string()))
        .collect();
    let mut head: Vec<Sided> = head_docs
        .into_iter()
        .map(|doc| headed(doc, &root))
        .collect();
    if terraform {
        let (b, h, e) = terraform_sides(rev, &root, paths, &specs, &renames)?;
        base.extend(b);
        head.extend(h);
        errors.extend(e);
    }
    if !errors.is_empty() {
        return Err(DiffError::Source(errors));
    }
    Ok(Sides { base, head })
}

/// A BASE document, known by the HEAD path of its file.
fn based(doc: Document, renames: &BTreeMap<String, String>, rel: impl Fn(&str) -> String) -> Sided {
    let old = rel(&doc.origin.file.path.to_string_lossy());
    let (path, renamed) = match renames.get(&old) {
        Some(new) => (new.clone(), true),
        None => (old, false),
    };
    Sided { path, renamed, doc }
}

fn headed(doc: Document, root: &Path) -> Sided {
    let path = relative(root, &doc.origin.file.path);
    Sided {
        path,
        renamed: false,
        doc,
    }
}

/// A repository-relative path as git names it in `REV:path`: `/`-separated.
fn git_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// `path` relative to the repository root, `/`-separated as git writes it.
fn relative(root: &Path, path: &Path) -> String {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (root, path) = (canonical(root), canonical(path));
    path.strip_prefix(&root)
        .unwrap_or(&path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

type TerraformSides = (Vec<Sided>, Vec<Sided>, Vec<SourceError>);

/// Every `.tf` module under the paths, at `rev` (copied into a temporary directory, since the
/// HCL reader follows local modules on disk) and in the working tree.
fn terraform_sides(
    rev: &str,
    root: &Path,
    paths: &[PathBuf],
    specs: &[String],
    renames: &BTreeMap<String, String>,
) -> Result<TerraformSides, DiffError> {
    let mut args = vec![
        "ls-tree",
        "-r",
        "-z",
        "--full-name",
        "--name-only",
        rev,
        "--",
    ];
    args.extend(specs.iter().map(String::as_str));
    let listing = git_text(&args)?;
    let copy = tempfile::tempdir()
        .map_err(|e| DiffError::Git(format!("cannot make a temporary directory: {e}")))?;
    let mut base_files = Vec::new();
    for rel in listing.split('\0').filter(|p| is_terraform(Path::new(p))) {
        let bytes = git(&["show", &format!("{rev}:{rel}")])?;
        let at = copy.path().join(rel);
        let written = at
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&at, bytes));
        written.map_err(|e| DiffError::Git(format!("cannot copy `{rev}:{rel}`: {e}")))?;
        base_files.push(at);
    }
    let tmp = copy.path().to_path_buf();
    let rel_of_copy = |p: &Path| relative(&tmp, p);
    let (base_docs, mut errors) =
        documents_of_terraform(&base_files, |p| format!("{rev}:{}", rel_of_copy(p)));
    let base = base_docs
        .into_iter()
        .map(|doc| {
            let rel = rel_of_copy(&doc.origin.file.path);
            based(doc, renames, |_| rel.clone())
        })
        .collect();
    let walk: Vec<PathBuf> = if paths.is_empty() {
        vec![root.to_path_buf()]
    } else {
        paths.to_vec()
    };
    let found = discover(&walk);
    errors.extend(found.errors);
    let head_files: Vec<PathBuf> = found
        .candidates
        .into_iter()
        .map(|c| c.path)
        .filter(|p| is_terraform(p))
        .collect();
    let (head_docs, e) = documents_of_terraform(&head_files, |p| relative(root, p));
    errors.extend(e);
    let head = head_docs.into_iter().map(|doc| headed(doc, root)).collect();
    Ok((base, head, errors))
}
