//! From what a template reader returns ([`ReadOutput`]) to located documents.

use std::sync::Arc;

use crate::policy::{self, PolicyErrors};

use super::document::{Document, Origin, SourceError, SourceText};
use super::{ReadError, ReadOutput, Source};

/// Turn a reader's output into a [`Source`]: each role a [`Document`] whose policy is built
/// from the reader's tree (its spans, and so every finding, point into the user's file); each
/// reader error a located [`SourceError`]; an inline ignore without a reason an error too (and
/// not applied), as in `rolecall.toml`.
pub fn from_read_output(out: ReadOutput) -> Source {
    let files: Vec<Arc<SourceText>> = out
        .files
        .into_iter()
        .map(|f| Arc::new(SourceText::new(f.path, f.text)))
        .collect();
    let mut errors: Vec<SourceError> = out.errors.iter().map(|e| read_error(&files, e)).collect();
    let notes = out.notes.iter().map(|e| read_error(&files, e)).collect();
    let mut documents = Vec::with_capacity(out.found.len());
    for found in out.found {
        let Some(file) = files.get(found.file) else {
            errors.push(SourceError::unread(
                std::path::Path::new(&found.address),
                "internal",
                "a reader placed a role in a file it did not return",
            ));
            continue;
        };
        let (policy, problems) = match &found.tree {
            Ok(tree) => (policy::from_node(tree, ""), Vec::new()),
            Err(e) => (Err(PolicyErrors(Vec::new())), vec![e.clone()]),
        };
        let (ignores, unreasoned): (Vec<_>, Vec<_>) = found
            .ignores
            .into_iter()
            .partition(|i| !i.reason.trim().is_empty());
        // An ignore of a name that is no rule and no reader problem would silently never
        // match (a typo): an error, as in `rolecall.toml`, and not applied.
        let (ignores, unknown): (Vec<_>, Vec<_>) = ignores
            .into_iter()
            .partition(|i| super::is_ignorable(&i.rule));
        for i in unknown {
            errors.push(SourceError::at(
                file,
                i.span,
                "unknown-rule",
                format!(
                    "the ignore of `{}` in `{}` names no rule and no ignorable reader problem \
                     ({})",
                    i.rule,
                    found.address,
                    super::IGNORABLE_PROBLEMS.join(", ")
                ),
            ));
        }
        for i in unreasoned {
            errors.push(SourceError::at(
                file,
                i.span,
                "ignore-without-reason",
                format!(
                    "the ignore of `{}` in `{}` has no reason: a reason is required",
                    i.rule, found.address
                ),
            ));
        }
        documents.push(Document {
            origin: Origin {
                file: Arc::clone(file),
                address: Some(found.address),
                span: found.span,
                pointer: String::new(),
                labels: found.labels,
            },
            policy,
            embedded: None,
            placeholders: found.placeholders,
            ignores,
            problems,
            before: found.before.map(|b| policy::from_node(&b, "")),
        });
    }
    Source::Documents {
        files,
        documents,
        errors,
        notes,
        nested: out.nested,
    }
}

fn read_error(files: &[Arc<SourceText>], e: &ReadError) -> SourceError {
    match files.get(e.file) {
        // A file the reader did not read (over the size cap, unreadable): no text to show,
        // and its error is about the file as a whole.
        Some(f) if f.text.is_empty() => SourceError {
            position: Some((1, 1)),
            ..SourceError::unread(&f.path, e.code, e.message.clone())
        },
        Some(f) => SourceError::at(f, e.span.clone(), e.code, e.message.clone()),
        None => SourceError::unread(std::path::Path::new("<reader>"), e.code, e.message.clone()),
    }
}
