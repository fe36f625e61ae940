//! `diff`: does HEAD let anyone new assume a role? The front door of `rolecall diff BASE HEAD`
//! and `rolecall diff --git REV [PATHS]`, which the CLI, the tests and the benches call.
//!
//! Both sides are read through the source layer, so every format `lint` reads is compared.
//! Roles are matched by resource address ([`roles`]): a role moved to another file is still
//! one role; an added role is new access in full, a removed one is information. Whether HEAD
//! admits anyone BASE does not is the exact model's answer ([`crate::model::diff`]).

mod git;
mod roles;

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::model::{self, Diff, ModelError, Options};
use crate::policy::{Policy, Version};
use crate::source::{self, Document, LoadError, SourceError};

pub use roles::{Change, Place};

/// What to compare.
#[derive(Debug, Clone)]
pub enum DiffRequest<'a> {
    /// One role of BASE with one role of HEAD (`resource` picks it in files with several).
    Files {
        base: &'a Path,
        head: &'a Path,
        resource: Option<&'a str>,
    },
    /// Every role in a file changed since `rev` (limited to `paths`) with its version there.
    Git { rev: &'a str, paths: &'a [PathBuf] },
}

/// One role compared.
#[derive(Debug, Clone)]
pub struct RoleDiff {
    /// The role's resource address, or its file when the file is a bare policy.
    pub role: String,
    pub change: Change,
    /// Where the role is at BASE (`None` when added) and at HEAD (`None` when removed).
    pub base: Option<Place>,
    pub head: Option<Place>,
    pub diff: Diff,
}

/// Every role compared, in HEAD's file order (removed roles last).
#[derive(Debug, Clone, Default)]
pub struct DiffReport {
    pub roles: Vec<RoleDiff>,
}

impl DiffReport {
    /// Does any role admit someone at HEAD it did not at BASE?
    pub fn new_access(&self) -> bool {
        self.roles.iter().any(|r| r.diff.is_wider())
    }
}

/// Why no answer.
#[derive(Debug, Clone, Error)]
pub enum DiffError {
    /// `git` is missing or failed.
    #[error("{0}")]
    Git(String),
    #[error(transparent)]
    Load(#[from] LoadError),
    /// Files that could not be read as sources (syntax errors, unreadable files).
    #[error("{} file error(s)", .0.len())]
    Source(Vec<SourceError>),
    /// A role whose policy IAM would refuse, or whose reader could not build it: comparing
    /// it would compare a guess.
    #[error("`{}` is not a valid trust policy", .0.origin.key())]
    Invalid(Box<Document>),
    /// The model cannot decide this pair exactly within its bounds.
    #[error("{role}: {error}")]
    Model { role: String, error: ModelError },
}

/// Compare, as the request says.
pub fn run(req: &DiffRequest<'_>, opts: &Options) -> Result<DiffReport, DiffError> {
    match req {
        DiffRequest::Files {
            base,
            head,
            resource,
        } => {
            let b = source::load_role(base, *resource)?;
            let h = source::load_role(head, *resource)?;
            let role = h
                .origin
                .address
                .clone()
                .unwrap_or_else(|| h.origin.file.name.clone());
            let diff = compare(&role, valid(&b)?, valid(&h)?, opts)?;
            Ok(DiffReport {
                roles: vec![RoleDiff {
                    role,
                    change: Change::Modified,
                    base: Some(Place::of(&b)),
                    head: Some(Place::of(&h)),
                    diff,
                }],
            })
        }
        DiffRequest::Git { rev, paths } => {
            let sides = git::sides(rev, paths)?;
            let mut report = DiffReport::default();
            for pair in roles::pair(sides.base, sides.head) {
                let base = pair.base.as_ref().map(valid).transpose()?;
                let head = pair.head.as_ref().map(valid).transpose()?;
                if let (Some(b), Some(h)) = (base, head) {
                    if b.to_json() == h.to_json() {
                        continue;
                    }
                }
                let nobody = nobody();
                let diff = compare(
                    &pair.role,
                    base.unwrap_or(&nobody),
                    head.unwrap_or(&nobody),
                    opts,
                )?;
                report.roles.push(RoleDiff {
                    role: pair.role,
                    change: pair.change,
                    base: pair.base.as_ref().map(Place::of),
                    head: pair.head.as_ref().map(Place::of),
                    diff,
                });
            }
            Ok(report)
        }
    }
}

fn valid(doc: &Document) -> Result<&Policy, DiffError> {
    match &doc.policy {
        Ok(p) if doc.problems.is_empty() => Ok(p),
        _ => Err(DiffError::Invalid(Box::new(doc.clone()))),
    }
}

fn compare(role: &str, base: &Policy, head: &Policy, opts: &Options) -> Result<Diff, DiffError> {
    model::diff(base, head, opts).map_err(|error| DiffError::Model {
        role: role.to_string(),
        error,
    })
}

/// A role that does not exist admits no one.
fn nobody() -> Policy {
    Policy {
        version: Version::V2012_10_17,
        id: None,
        statements: Vec::new(),
        warnings: Vec::new(),
    }
}
