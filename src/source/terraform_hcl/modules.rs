//! Terraform modules: a directory's `.tf` files, and the `module` calls between them.

use std::path::{Component, Path, PathBuf};

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};

/// One module: a directory and its parsed files (index into `ReadOutput::files`, body).
pub struct ModuleSrc {
    pub dir: PathBuf,
    pub files: Vec<(usize, Body)>,
}

impl ModuleSrc {
    /// Every top-level block named `ident`, with its file.
    pub fn blocks<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = (usize, &'a Block)> + 'a {
        self.files
            .iter()
            .flat_map(move |(f, body)| body.get_blocks(ident).map(move |b| (*f, b)))
    }

    /// Local module calls: (file, block, the called directory).
    pub fn calls(&self) -> Vec<(usize, &Block, PathBuf)> {
        self.blocks("module")
            .filter_map(|(f, b)| local_source(b).map(|s| (f, b, normalize(&self.dir.join(s)))))
            .collect()
    }

    /// Module calls whose `source` is not a local path (a registry address, git, https, s3, ...):
    /// (file, block, the source as written, its span). Only `terraform init` can fetch those;
    /// [`super::installed`] finds where it put them.
    pub fn remote_calls(&self) -> Vec<(usize, &Block, &str, std::ops::Range<usize>)> {
        self.blocks("module")
            .filter_map(|(f, b)| {
                let source = b.body.get_attribute("source")?;
                let Expression::String(s) = &source.value else {
                    // Terraform refuses a `source` that is not a literal string.
                    return None;
                };
                let s = s.value().as_str();
                let span = hcl_edit::Span::span(&source.value).unwrap_or_default();
                (!is_local(s)).then_some((f, b, s, span))
            })
            .collect()
    }
}

/// A block's first label (`resource "aws_iam_role" "x"` → `aws_iam_role`).
pub fn label(block: &Block, i: usize) -> Option<&str> {
    block.labels.get(i).map(|l| l.as_str())
}

/// The `source` of a `module` block when it is a local path (`./x`, `../x`), which Terraform
/// reads from disk; registry and remote sources are read from where `terraform init`
/// installed them ([`ModuleSrc::remote_calls`], [`super::installed`]).
pub fn local_source(block: &Block) -> Option<&str> {
    let source = block.body.get_attribute("source")?;
    let Expression::String(s) = &source.value else {
        return None;
    };
    let s = s.value().as_str();
    is_local(s).then_some(s)
}

/// Is a module source a local path, which Terraform reads from disk without `init`?
pub fn is_local(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../")
}

/// A path with `.` and `..` folded away, without touching the file system (a module's
/// directory is compared with the directories discovery gave).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The module's directory for a file path.
pub fn dir_of(path: &Path) -> PathBuf {
    normalize(path.parent().unwrap_or(Path::new("")))
}

/// `.tf` and `.tf.json` files of a directory on disk, sorted (for a called module discovery did not list).
pub fn tf_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(crate::source::is_terraform_name)
        })
        .map(|p| dir.join(p.file_name().unwrap_or_default()))
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_fold_dot_segments() {
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalize(Path::new("./m")), PathBuf::from("m"));
        assert_eq!(normalize(Path::new("../m")), PathBuf::from("../m"));
    }
}
