//! The source layer: bytes in, located trust-policy documents out. `check`, `lint` and the
//! coming `diff` take their documents from here; a new input format is one new reader.
//!
//! - [`read_file`] reads a file (stdin for `-`) as text;
//! - [`open`] picks its reader by content ([`Format::detect`]) and gives a [`Source`];
//! - [`Source::for_each_document`] / [`Source::documents`] give its [`Document`]s, each with
//!   its [`Origin`] (file, span, line and column, resource address, labels, JSON pointer);
//! - [`discover`] walks directories for candidate files;
//! - [`from_read_output`] adapts what a template reader returns ([`ReadOutput`]).

// A file's error is located and self-contained (its text, span, pointer, message): bigger
// than clippy likes in a `Result`, and only ever built once per broken file.
#![allow(
    clippy::result_large_err,
    reason = "a file error is rare and carries its location"
)]

mod adapter;
pub mod cloudformation;
pub mod discover;
mod document;
mod found;
pub mod iam;
mod load;
mod read;
mod select;
pub mod terraform_hcl;
pub mod terraform_plan;

use std::sync::Arc;

pub use adapter::from_read_output;
pub use discover::{discover, Candidate, Discovery};
pub use document::{display_name, Document, Embedded, Origin, SourceError, SourceText};
pub use found::{Found, InlineIgnore, Placeholder, ReadError, ReadOutput, SourceFile};
pub use load::{documents_of_terraform, documents_of_texts, load_role, named_text, LoadError};
pub use read::{
    from_bytes, read_bytes, read_file, size_cap, too_large, MAX_TEMPLATE_BYTES, TEMPLATE_EXTENSIONS,
};
pub use select::{select, SelectError};

use crate::json::JsonErrorKind;
use crate::policy::{PolicyError, PolicyErrorKind};

/// Reader problems with one role's document that an ignore may name, in `rolecall.toml` or
/// next to the resource, like a rule id: each says a value is known only at deploy or apply
/// time, which a team may accept for a role it reviewed. Problems that are mistakes in the
/// file itself (a cyclic `local`, a policy string that is not JSON, a duplicate Sid, a file
/// that does not parse) are not ignorable: Terraform or CloudFormation refuses them too.
pub const IGNORABLE_PROBLEMS: &[&str] = &[
    // Terraform plan: `assume_role_policy` is `(known after apply)`.
    "unknown-until-apply",
    // HCL: `assume_role_policy` (or a document it merges) is a value rolecall cannot resolve.
    "unresolved-policy",
    // CloudFormation: the whole `AssumeRolePolicyDocument` is a deploy-time value.
    "unresolved-document",
    // HCL: a `dynamic` statement or condition whose `for_each` is not known.
    "unexpanded-statement",
    // HCL: a role whose `count` or `for_each` is not known.
    "unexpanded-resource",
];

/// May an ignore name `id`: a lint rule, a reader problem of [`IGNORABLE_PROBLEMS`], or `*`?
pub fn is_ignorable(id: &str) -> bool {
    id == "*" || crate::lint::rule(id).is_some() || IGNORABLE_PROBLEMS.contains(&id)
}

/// The formats the source layer reads, one reader each.
///
/// This is the dispatch point. A reader joins by adding its variant here, its content test
/// to [`Format::sniff`] and its read to `open_as` (behind [`open`]); the template readers
/// (`cloudformation::sniff`/`read`, `terraform_plan::sniff`/`read`) return a [`ReadOutput`]
/// that [`from_read_output`] turns into documents, so each is one line in each match.
/// Terraform HCL reads module directories rather than files (`terraform_hcl::read_roots`):
/// its `.tf` files are collected by [`discover`] and read once per root directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A CloudFormation or SAM template (JSON or YAML), CDK's `cdk.out/*.template.json`.
    CloudFormation,
    /// `terraform show -json` output.
    TerraformPlan,
    /// A Terraform configuration in JSON syntax not named `.tf.json` (those are read with
    /// their module directory, see [`is_terraform`]), read as a module of its own.
    TerraformJson,
    /// IAM JSON: a trust policy, `get-role`, `list-roles`, an account dump.
    Iam,
}

impl Format {
    /// The registered readers, in the order they are asked: the first whose sniff accepts a
    /// text reads it, so the more specific formats (a CloudFormation JSON template is JSON
    /// too) must come before [`Format::Iam`].
    pub const ALL: &'static [Format] = &[
        Format::CloudFormation,
        Format::TerraformPlan,
        Format::TerraformJson,
        Format::Iam,
    ];

    /// Does this reader recognise the text?
    pub fn sniff(self, text: &str) -> bool {
        match self {
            Format::CloudFormation => cloudformation::sniff(text),
            Format::TerraformPlan => terraform_plan::sniff(text),
            Format::TerraformJson => terraform_hcl::sniff_json(text),
            Format::Iam => iam::sniff(text),
        }
    }

    /// The first registered reader that recognises the text.
    pub fn detect(text: &str) -> Option<Format> {
        Format::ALL.iter().copied().find(|f| f.sniff(text))
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::CloudFormation => "CloudFormation",
            Format::TerraformPlan => "Terraform plan",
            Format::TerraformJson => "Terraform JSON",
            Format::Iam => "IAM JSON",
        }
    }
}

/// A file's documents, not yet produced: an IAM listing is split into roles when its
/// documents are asked for, one role at a time.
#[derive(Debug, Clone)]
pub enum Source {
    /// IAM JSON. `named`: given on the command line, so a JSON object that is neither IAM
    /// output nor a template is read as a (broken) policy rather than skipped.
    Iam { file: Arc<SourceText>, named: bool },
    /// Documents a template reader found, already located.
    Documents {
        files: Vec<Arc<SourceText>>,
        documents: Vec<Document>,
        errors: Vec<SourceError>,
        /// What the reader chose not to follow ([`ReadOutput::notes`]), for `lint -v`.
        notes: Vec<SourceError>,
        /// Files read as part of this source, not on their own ([`ReadOutput::nested`]).
        nested: Vec<std::path::PathBuf>,
    },
}

/// Why a file read is not a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// No registered reader recognises its content.
    Unrecognised,
    /// A reader recognises it, and it holds no trust policy.
    NoTrustPolicy,
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Skip::Unrecognised => "not a trust policy: no reader recognises its content",
            Skip::NoTrustPolicy => "not a trust policy: it holds no role or policy document",
        })
    }
}

/// Pick the reader for a file by its content. A file no reader recognises is skipped when
/// found by walking; when `named` it is read as JSON, the format every reader but HCL's
/// builds on, so its first syntax error is reported where it is.
pub fn open(file: Arc<SourceText>, named: bool) -> Result<Source, Skip> {
    open_with(file, named, &cloudformation::from_disk).1
}

/// [`open`], with a CloudFormation template's nested templates had from `fetch`, and the
/// format the text was read as (the text is sniffed once).
pub fn open_with(
    file: Arc<SourceText>,
    named: bool,
    fetch: cloudformation::Fetch<'_>,
) -> (Option<Format>, Result<Source, Skip>) {
    let format = Format::detect(&file.text);
    (format, open_as(format, file, named, fetch))
}

fn open_as(
    format: Option<Format>,
    file: Arc<SourceText>,
    named: bool,
    fetch: cloudformation::Fetch<'_>,
) -> Result<Source, Skip> {
    match format {
        Some(Format::CloudFormation) => Ok(from_read_output(cloudformation::read_with(
            &file.path, &file.text, fetch,
        ))),
        Some(Format::TerraformPlan) => Ok(from_read_output(terraform_plan::read(
            &file.path, &file.text,
        ))),
        Some(Format::TerraformJson) => Ok(from_read_output(terraform_hcl::read_text(
            &file.path,
            file.text.as_bytes().to_vec(),
        ))),
        Some(Format::Iam) => Ok(Source::Iam { file, named }),
        None if named => Ok(Source::Iam { file, named }),
        None => Err(Skip::Unrecognised),
    }
}

impl Source {
    /// Call `visit` with each document, one at a time (an account dump never holds every
    /// parsed policy at once). A file that is not valid JSON is one error and no document.
    pub fn for_each_document(&self, visit: impl FnMut(Document)) -> Result<(), SourceError> {
        match self {
            Source::Iam { file, named } => {
                let layout = iam_layout(file)?;
                for_each_iam_document(file, *named, &layout, visit);
                Ok(())
            }
            Source::Documents { documents, .. } => {
                documents.iter().cloned().for_each(visit);
                Ok(())
            }
        }
    }

    /// Every document, and the file-level problems (for a template reader, those come with
    /// the documents it could still read).
    pub fn documents(&self) -> (Vec<Document>, Vec<SourceError>) {
        let mut out = Vec::new();
        let mut errors = match self {
            Source::Documents { errors, .. } => errors.clone(),
            Source::Iam { .. } => Vec::new(),
        };
        if let Err(e) = self.for_each_document(|d| out.push(d)) {
            errors.push(e);
        }
        (out, errors)
    }
}

/// Is this a Terraform file, `.tf` or `.tf.json` (any letter case)? Those are read per module
/// directory by [`read_terraform`], not one at a time by [`open`]: Terraform reads a
/// directory's files as one module, whichever of its two syntaxes each is written in.
///
/// The reader is still picked by content: a `.tf.json` file that holds no Terraform block
/// (an IAM policy someone named so) is not Terraform, and [`open`] reads it by its content.
pub fn is_terraform(path: &std::path::Path) -> bool {
    let Some(name) = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
    else {
        return false;
    };
    if name.ends_with(".tf") {
        return true;
    }
    if !name.ends_with(".tf.json") {
        return false;
    }
    // Too big, unreadable or not UTF-8: the Terraform reader reports it, located, without
    // reading a file over the cap.
    too_large(path).is_some()
        || read_bytes(path)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .is_none_or(|t| terraform_hcl::is_configuration_json(&t))
}

/// Does a file name end in `.tf` or `.tf.json`, in any letter case?
pub fn is_terraform_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.ends_with(".tf") || n.ends_with(".tf.json")
}

/// The `.tf` files `paths` (and the local modules they call), as one source.
pub fn read_terraform(paths: &[std::path::PathBuf]) -> Source {
    from_read_output(terraform_hcl::read_roots(paths))
}

/// The `.tf` files of the directory `path` is in: a module is its whole directory.
pub fn terraform_module_of(path: &std::path::Path) -> Vec<std::path::PathBuf> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| is_terraform(p) && p.is_file())
                .collect()
        })
        .unwrap_or_default();
    if !files.iter().any(|f| f.file_name() == path.file_name()) {
        files.push(path.to_path_buf());
    }
    files.sort();
    files
}

/// Split an IAM file into roles (a listing) or parse it whole; a syntax error is located.
pub fn iam_layout(file: &Arc<SourceText>) -> Result<iam::Layout<'_>, SourceError> {
    iam::layout(&file.text).map_err(|e| json_error(file, &e.0))
}

/// The documents of a laid-out IAM file, located. JSON that is neither IAM output nor a policy
/// yields none, unless it was `named` and is not another reader's template: then it is read as
/// a policy, which reports what it lacks.
pub fn for_each_iam_document(
    file: &Arc<SourceText>,
    named: bool,
    layout: &iam::Layout<'_>,
    mut visit: impl FnMut(Document),
) {
    if let iam::Layout::Tree(root) = layout {
        if (iam::is_template(root) || !named) && iam::kind(root) == iam::FileKind::Other {
            return;
        }
    }
    iam::for_each_in_layout(layout, |d| visit(iam_document(file, d)));
}

/// Locate one document of the IAM reader in its file.
pub fn iam_document(file: &Arc<SourceText>, d: iam::Document) -> Document {
    Document {
        embedded: d.embedded,
        ..Document::plain(
            Origin {
                file: Arc::clone(file),
                address: d.role,
                span: d.span,
                pointer: d.pointer,
                labels: Vec::new(),
            },
            d.result,
        )
    }
}

/// A file that does not parse: its first error, located.
fn json_error(file: &Arc<SourceText>, errors: &[PolicyError]) -> SourceError {
    match errors.first() {
        Some(e) => SourceError {
            pointer: e.loc.pointer.clone(),
            related: e.related.as_ref().map(|r| r.span.clone()),
            ..SourceError::at(file, e.loc.span.clone(), code_of(e), e.to_string())
        },
        None => SourceError::at(file, 0..0, "invalid-json", "invalid JSON"),
    }
}

/// The diagnostic code of a policy error, the same in `check` and `lint`, text and JSON.
pub fn code_of(e: &PolicyError) -> &'static str {
    match &e.kind {
        PolicyErrorKind::Json(JsonErrorKind::TooDeep { .. }) => "too-deep",
        PolicyErrorKind::Json(JsonErrorKind::TooLarge { .. }) => "too-large",
        PolicyErrorKind::Json(JsonErrorKind::NotUtf8) => "not-utf8",
        PolicyErrorKind::Json(_) => "invalid-json",
        _ => crate::lint::INVALID_POLICY,
    }
}

#[cfg(test)]
mod tests;
