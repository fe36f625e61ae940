//! Reading named paths into documents, for the commands that take files rather than walk
//! directories: `check`, `who` and `diff` read one role of one file; `diff --git` reads the
//! roles of every changed file. Each path goes to the reader its content asks for; a `.tf`
//! file is read with its whole module directory, as Terraform reads it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use thiserror::Error;

use super::cloudformation::{nested_elsewhere, normalize, Fetch};
use super::{
    is_terraform, open, open_with, read_file, read_terraform, select, terraform_module_of,
    Document, Format, SelectError, Skip, Source, SourceError, SourceText,
};

/// Why a named path gave no document.
#[derive(Debug, Clone, Error)]
pub enum LoadError {
    /// The file could not be read, is not UTF-8, or is not valid in its format.
    #[error("{} error(s) reading the file", .0.len())]
    Source(Vec<SourceError>),
    /// No reader takes the file, or it holds no trust policy.
    #[error("{name}: {skip}")]
    Skipped { name: String, skip: Skip },
    /// The file holds no role, several without `--resource`, or not the one named.
    #[error(transparent)]
    Select(#[from] SelectError),
}

/// The role `resource` names in `path` (or its only one). The document may still hold policy
/// errors or reader problems: the caller reports them as its command does.
pub fn load_role(path: &Path, resource: Option<&str>) -> Result<Document, LoadError> {
    let (name, mut documents) = if is_terraform(path) {
        let (documents, errors) = read_terraform(&terraform_module_of(path)).documents();
        if !errors.is_empty() {
            return Err(LoadError::Source(errors));
        }
        (super::display_name(path), documents)
    } else {
        let file = read_file(path).map_err(|e| LoadError::Source(vec![e]))?;
        let (documents, errors) = open(Arc::clone(&file), true)
            .map_err(|skip| LoadError::Skipped {
                name: file.name.clone(),
                skip,
            })?
            .documents();
        if !errors.is_empty() {
            return Err(LoadError::Source(errors));
        }
        (file.name.clone(), documents)
    };
    if is_terraform(path) && resource.is_none() {
        // Without a name, the roles of the file named, not of its whole module.
        let named = std::fs::canonicalize(path).ok();
        documents.retain(|d| std::fs::canonicalize(&d.origin.file.path).ok() == named);
    }
    Ok(select(&name, documents, resource)?)
}

/// A file's text held in memory under the name messages show: a file at a git revision
/// (`REV:path`), or a working-tree file by its repository path.
pub fn named_text(name: &str, path: PathBuf, text: Arc<str>) -> Arc<SourceText> {
    let mut file = SourceText::new(path, text);
    file.name = name.to_string();
    Arc::new(file)
}

/// Every document of `files` (texts already read, each under its shown name), and every file
/// error. A text no reader takes, or one with no trust policy, is skipped: a changed file that
/// is not a role is not an error.
///
/// A CloudFormation template's nested templates are had from `fetch` (for a file at a git
/// revision, the child at that revision) and shown by the name `shown` gives their path; a
/// text that is the nested template of another text here yields no documents of its own (its
/// roles come with its parent's, parameters bound).
pub fn documents_of_texts(
    files: Vec<Arc<SourceText>>,
    fetch: Fetch<'_>,
    shown: impl Fn(&Path) -> String,
) -> (Vec<Document>, Vec<SourceError>) {
    let mut read = Vec::new();
    let mut nests = HashMap::new();
    for file in files {
        // Template readers build their own text from the path: keep the name given.
        let name = file.name.clone();
        let path = normalize(&file.path);
        let (format, source) = open_with(file, false, fetch);
        let template = format == Some(Format::CloudFormation);
        if let Ok(source) = source {
            if let (true, Source::Documents { nested, .. }) = (template, &source) {
                let nested: HashSet<PathBuf> = nested.iter().map(|p| normalize(p)).collect();
                nests.entry(path.clone()).or_insert(nested);
            }
            read.push((path, name, source));
        }
    }
    let nested = nested_elsewhere(&nests);
    let mut documents = Vec::new();
    let mut errors = Vec::new();
    for (path, name, source) in read {
        if nested.contains(&path) {
            continue;
        }
        let rename = |file: &Arc<SourceText>| {
            if normalize(&file.path) == path {
                renamed(file, &name)
            } else {
                renamed(file, &shown(&file.path))
            }
        };
        let (d, e) = source.documents();
        documents.extend(d.into_iter().map(|mut doc| {
            doc.origin.file = rename(&doc.origin.file);
            doc
        }));
        errors.extend(e.into_iter().map(|mut err| {
            if let Some(f) = &err.file {
                let f = rename(f);
                err.name = f.name.clone();
                err.file = Some(f);
            }
            err
        }));
    }
    (documents, errors)
}

/// Every document of the `.tf` files given, read one module directory at a time; each file is
/// shown by the name `shown` gives its path.
pub fn documents_of_terraform(
    tf_files: &[PathBuf],
    shown: impl Fn(&Path) -> String,
) -> (Vec<Document>, Vec<SourceError>) {
    let mut modules: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for f in tf_files {
        let dir = f.parent().map(Path::to_path_buf).unwrap_or_default();
        modules.entry(dir).or_default().push(f.clone());
    }
    let mut documents = Vec::new();
    let mut errors = Vec::new();
    for files in modules.values() {
        let (d, e) = read_terraform(files).documents();
        documents.extend(d.into_iter().map(|mut doc| {
            let name = shown(&doc.origin.file.path);
            doc.origin.file = renamed(&doc.origin.file, &name);
            doc
        }));
        errors.extend(e.into_iter().map(|mut err| {
            if let Some(file) = &err.file {
                let name = shown(&file.path);
                err.name = name.clone();
                err.file = Some(renamed(file, &name));
            }
            err
        }));
    }
    (documents, errors)
}

fn renamed(file: &Arc<SourceText>, name: &str) -> Arc<SourceText> {
    if file.name == name {
        return Arc::clone(file);
    }
    named_text(name, file.path.clone(), Arc::clone(&file.text))
}
