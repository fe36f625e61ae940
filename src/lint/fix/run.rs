//! The front door of `lint --fix`: lint, fix each file step by step (every step proven
//! against the text before it, so the end result admits nothing the original does not),
//! write or not, and lint again for what remains.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::edit::apply;
use super::prove::{prove, Proof, Target};
use super::{FixInput, Offer, Syntax};
use crate::json::Span;
use crate::lint::{lint_document, lint_paths, lint_source, Config, LintContext, LintOptions};
use crate::lint::{LintRun, Linted};
use crate::source::{self, Document, SourceError, SourceText};

/// Write the fixed files, or only say what would change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    Write,
    DryRun,
}

#[derive(Debug, Clone, Copy)]
pub struct FixOptions {
    pub lint: LintOptions,
    pub mode: FixMode,
}

/// A file `--fix` changes (or would).
#[derive(Debug, Clone)]
pub struct FixedFile {
    pub path: PathBuf,
    /// As messages name it.
    pub name: String,
    pub before: Arc<str>,
    pub after: String,
    /// The fixes made, in order: the rule and what the edit does.
    pub applied: Vec<(&'static str, String)>,
}

/// What `--fix` did.
#[derive(Debug)]
pub struct FixRun {
    /// The findings that remain, with the fixes offered for them (`Finding::fix`).
    pub run: LintRun,
    pub files: Vec<FixedFile>,
}

/// Each file's offers: rule, the finding's span, the offer.
type FileOffers = Vec<(PathBuf, Vec<(&'static str, Span, Offer)>)>;

/// Steps per file, at most: each removes one finding.
const MAX_STEPS: usize = 64;

/// Lint `paths`, fix what can be proven, and lint again. In [`FixMode::Write`] the files are
/// written atomically (a file that cannot be written is an error in `run.errors`, and left
/// as it was) and the remaining findings come from linting them afresh; in
/// [`FixMode::DryRun`] nothing is written and each fixed file is linted from its fixed text
/// (a `.tf` file on its own, without the rest of its module).
pub fn fix_paths(paths: &[PathBuf], config: &Config, options: &FixOptions) -> FixRun {
    let first = lint_paths(paths, config, &options.lint);
    let mut targets: Vec<Arc<SourceText>> = Vec::new();
    for l in &first.linted {
        // A nested stack's role is read with the parameters its parent passes; a fix is
        // proven against its file read alone, with its defaults, which is another policy.
        let nested = l
            .origin
            .labels
            .iter()
            .any(|(k, _)| k == source::cloudformation::NESTED_IN);
        let fixable = l.embedded.is_none()
            && !nested
            && l.findings
                .iter()
                .any(|f| crate::lint::rule(f.rule).is_some_and(|r| r.fix.fixer().is_some()));
        if fixable && !targets.iter().any(|t| t.path == l.origin.file.path) {
            targets.push(Arc::clone(&l.origin.file));
        }
    }
    let mut files = Vec::new();
    let mut offers: FileOffers = Vec::new();
    for file in &targets {
        let plan = fix_file(file, config);
        if plan.after != *file.text {
            files.push(FixedFile {
                path: file.path.clone(),
                name: file.name.clone(),
                before: Arc::clone(&file.text),
                after: plan.after,
                applied: plan.applied,
            });
        }
        offers.push((file.path.clone(), plan.offers));
    }
    let mut run = first;
    match options.mode {
        FixMode::Write if !files.is_empty() => {
            let mut errors = Vec::new();
            for f in &files {
                if f.path.as_os_str() == "-" {
                    errors.push(SourceError::unread(
                        &f.path,
                        "fix-stdin",
                        "standard input cannot be fixed in place: use `--fix --dry-run`",
                    ));
                    continue;
                }
                if let Err(e) = super::write_atomically(&f.path, &f.before, &f.after) {
                    errors.push(SourceError::unread(&f.path, "fix-write", e.to_string()));
                }
            }
            run = lint_paths(paths, config, &options.lint);
            run.errors.extend(errors);
        }
        FixMode::Write => {}
        FixMode::DryRun => {
            for f in &files {
                relint_in_memory(&mut run, f, config, &options.lint);
            }
        }
    }
    attach(&mut run.linted, &offers);
    FixRun { run, files }
}

/// Replace a fixed file's findings with those of its fixed text.
fn relint_in_memory(run: &mut LintRun, f: &FixedFile, config: &Config, options: &LintOptions) {
    let Some(at) = run.linted.iter().position(|l| l.origin.file.path == f.path) else {
        return;
    };
    run.linted.retain(|l| l.origin.file.path != f.path);
    let report = lint_source(&reread_source(&f.path, &f.after), config, options);
    let tail = run.linted.split_off(at.min(run.linted.len()));
    run.linted.extend(report.linted);
    run.linted.extend(tail);
}

/// Give each remaining finding the fix offered for it (same file, rule and place).
fn attach(linted: &mut [Linted], offers: &FileOffers) {
    for l in linted {
        let Some((_, file_offers)) = offers.iter().find(|(p, _)| *p == l.origin.file.path) else {
            continue;
        };
        for f in &mut l.findings {
            f.fix = file_offers
                .iter()
                .find(|(rule, span, _)| *rule == f.rule && *span == f.loc.span)
                .map(|(_, _, o)| o.clone());
        }
    }
}

struct Plan {
    after: String,
    applied: Vec<(&'static str, String)>,
    /// The offers for the findings of the final text.
    offers: Vec<(&'static str, Span, Offer)>,
}

/// Fix one file: apply the first applicable offer, re-read, and again, until none is left.
fn fix_file(file: &SourceText, config: &Config) -> Plan {
    let mut text = file.text.to_string();
    let mut applied = Vec::new();
    for _ in 0..MAX_STEPS {
        match step(&file.path, &text, config) {
            Step::Applied(rule, description, next) => {
                applied.push((rule, description));
                text = next;
            }
            Step::Done(offers) => {
                return Plan {
                    after: text,
                    applied,
                    offers,
                }
            }
        }
    }
    Plan {
        after: text,
        applied,
        offers: Vec::new(),
    }
}

enum Step {
    Applied(&'static str, String, String),
    Done(Vec<(&'static str, Span, Offer)>),
}

/// One step: the offers for the text's findings, up to the first `--fix` may apply.
fn step(path: &Path, text: &str, config: &Config) -> Step {
    let docs = reread(path, text);
    // A plan is Terraform's output: the fix belongs in the `.tf` files it was made from.
    if source::Format::detect(text) == Some(source::Format::TerraformPlan) {
        return Step::Done(Vec::new());
    }
    let syntax = if source::is_terraform(path) {
        Syntax::Hcl
    } else {
        Syntax::JsonOrYaml
    };
    let mut offers = Vec::new();
    for (index, doc) in docs.iter().enumerate() {
        let Ok(policy) = &doc.policy else { continue };
        // A URL-encoded policy's spans are not the file's; a CDK synthesis (`cdk.out`) is
        // rewritten by the next `cdk synth`, so its fix belongs in the CDK code.
        if doc.embedded.is_some() || doc.origin.labels.iter().any(|(k, _)| k == "cdk-path") {
            continue;
        }
        let Some(linted) = lint_document(doc.clone(), config) else {
            continue;
        };
        let key = doc.origin.key();
        let ctx = LintContext::new(policy, config, &key);
        for finding in &linted.findings {
            let Some(rule) = crate::lint::rule(finding.rule) else {
                continue;
            };
            let Some(fixer) = rule.fix.fixer() else {
                continue;
            };
            let input = FixInput {
                ctx: &ctx,
                finding,
                text,
                syntax,
            };
            let Some(proposal) = fixer(&input) else {
                continue;
            };
            let proof = match apply(text, &proposal.edits) {
                Some(fixed) => {
                    let target = Target {
                        docs: &docs,
                        index,
                        rule: rule.id,
                    };
                    let proof = prove(&target, path, &fixed, config);
                    if rule.fix.is_auto() && proof == Proof::Proven {
                        return Step::Applied(rule.id, proposal.description, fixed);
                    }
                    proof
                }
                None => Proof::Refused("the edit does not fit the file".into()),
            };
            offers.push((
                rule.id,
                finding.loc.span.clone(),
                Offer {
                    description: proposal.description,
                    edits: proposal.edits,
                    proof,
                    auto: rule.fix.is_auto(),
                },
            ));
        }
    }
    Step::Done(offers)
}

/// A file's documents from a text, read as the source layer reads that file (a `.tf` file on
/// its own, as a root module).
pub(crate) fn reread(path: &Path, text: &str) -> Vec<Document> {
    reread_source(path, text).documents().0
}

fn reread_source(path: &Path, text: &str) -> source::Source {
    if source::is_terraform(path) {
        return source::from_read_output(source::terraform_hcl::read_text(
            path,
            text.as_bytes().to_vec(),
        ));
    }
    let file = Arc::new(SourceText::new(path.to_path_buf(), Arc::from(text)));
    source::open(file, true).unwrap_or_else(|_| source::Source::Documents {
        files: Vec::new(),
        documents: Vec::new(),
        errors: Vec::new(),
        notes: Vec::new(),
        nested: Vec::new(),
    })
}
