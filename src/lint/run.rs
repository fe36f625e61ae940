//! The linter's front doors: documents, a source, or paths on disk in; findings placed in
//! their files, the files' problems and a run summary out. The CLI, the corpus runner, the
//! fuzz targets and the benches all lint through here.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::model::{RoleWho, WhoCache};
use crate::policy::Loc;
use crate::source::{self, iam, Document, Embedded, Origin, Placeholder, Source, SourceError};

use super::{invalid, lint, Config, Finding, Severity, INVALID_POLICY};

/// How to lint.
#[derive(Debug, Clone, Copy)]
pub struct LintOptions {
    /// Threads that lint the roles of a listing or account dump.
    pub jobs: usize,
    /// Also work out what each document with findings admits ([`Linted::who`]), for a report
    /// that shows it next to the findings. Done here, on the lint's threads, because the
    /// policy is dropped once its document is linted; once per distinct policy of the run
    /// ([`WhoCache`]).
    pub who: bool,
}

impl Default for LintOptions {
    /// One thread per core.
    fn default() -> Self {
        LintOptions {
            jobs: std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
            who: false,
        }
    }
}

/// One document's findings, with what rendering them needs (the policy itself is dropped:
/// a dump's ten thousand policies are never held at once).
#[derive(Debug, Clone)]
pub struct Linted {
    pub origin: Origin,
    /// The decoded text of a URL-encoded policy, which the findings' spans refer to.
    pub embedded: Option<Arc<Embedded>>,
    pub placeholders: Vec<Placeholder>,
    /// Sorted by location; never empty.
    pub findings: Vec<Finding>,
    /// What the policy admits, when [`LintOptions::who`] asked for it and the policy is valid.
    pub who: Option<Arc<RoleWho>>,
}

/// What linting one source found.
#[derive(Debug, Default)]
pub struct SourceReport {
    /// Documents linted (with findings or without).
    pub policies: usize,
    pub linted: Vec<Linted>,
    pub errors: Vec<SourceError>,
}

/// A file read and not linted, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub name: String,
    pub reason: String,
}

/// What linting paths found.
#[derive(Debug, Default)]
pub struct LintRun {
    pub files_read: usize,
    pub policies: usize,
    pub skipped: Vec<Skipped>,
    /// In the order the paths were given, each file's documents in file order.
    pub linted: Vec<Linted>,
    /// Every file that could not be read or parsed, located; the rest were still linted.
    pub errors: Vec<SourceError>,
    /// What a reader chose not to follow, located (a nested stack whose template is remote):
    /// not problems, shown by `lint -v`.
    pub notes: Vec<SourceError>,
}

impl LintRun {
    /// Findings at each severity: (errors, warnings, notes).
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |s: Severity| {
            self.linted
                .iter()
                .flat_map(|l| &l.findings)
                .filter(|f| f.severity == s)
                .count()
        };
        (
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Note),
        )
    }
}

/// Lint one document: every enabled rule, `rolecall.toml`'s ignores and scopes (matched on
/// [`Origin::key`]), and the document's inline ignores, which apply to an invalid document's
/// findings too. `None` when nothing remains.
pub fn lint_document(doc: Document, config: &Config) -> Option<Linted> {
    lint_one(doc, config, None)
}

/// [`lint_document`], and with `who` what the policy admits when it has findings.
fn lint_one(doc: Document, config: &Config, who: Option<&WhoCache>) -> Option<Linted> {
    let key = doc.origin.key();
    let mut findings = match &doc.policy {
        Ok(policy) => lint(policy, config, &key),
        Err(errors) if config.ignored(INVALID_POLICY, &key) => {
            let _ = errors;
            Vec::new()
        }
        Err(errors) => invalid(errors),
    };
    for p in &doc.problems {
        if !config.ignored(p.code, &key) {
            findings.push(Finding::new(
                p.code,
                Severity::Error,
                Loc::new("", p.span.clone()),
                p.message.clone(),
            ));
        }
    }
    findings.retain(|f| {
        !doc.ignores
            .iter()
            .any(|i| i.rule == f.rule || i.rule == "*")
    });
    if findings.is_empty() {
        return None;
    }
    if !doc.placeholders.is_empty() {
        for f in &mut findings {
            let named: Vec<String> = doc
                .placeholders_in(&f.loc.span)
                .map(|p| format!("`{}`", p.what))
                .collect();
            if !named.is_empty() {
                // "No token can assume it" read a deploy-time value as literal text, which may
                // fit no field (`<module.x.repo>` is no repository name): the real value may
                // well let tokens in, so the finding cannot fail a gate, only inform.
                if f.rule == super::rules::unassumable_role::RULE.id {
                    f.severity = f.severity.min(Severity::Note);
                }
                let note = format!(
                    "this depends on a value known only at deploy time: {} (read as an opaque \
                     literal that matches only itself)",
                    named.join(", ")
                );
                f.help = Some(match f.help.take() {
                    Some(h) => format!("{h}\n{note}"),
                    None => note,
                });
            }
        }
    }
    let who = match &doc.policy {
        Ok(policy) => who.map(|cache| cache.get(policy)),
        Err(_) => None,
    };
    Some(Linted {
        origin: doc.origin,
        embedded: doc.embedded.map(Arc::new),
        placeholders: doc.placeholders,
        findings,
        who,
    })
}

/// Lint documents one after another.
pub fn lint_documents(docs: impl IntoIterator<Item = Document>, config: &Config) -> SourceReport {
    let mut report = SourceReport::default();
    for d in docs {
        report.policies += 1;
        report.linted.extend(lint_document(d, config));
    }
    report
}

/// Roles a worker takes at a time: small enough to balance the load, big enough that taking
/// one costs nothing.
const ROLES_PER_TASK: usize = 64;

/// Lint a source. The roles of a big listing or dump are split, parsed and linted on
/// `options.jobs` threads; the findings come back in file order whatever the number.
pub fn lint_source(source: &Source, config: &Config, options: &LintOptions) -> SourceReport {
    let cache = options.who.then(WhoCache::default);
    lint_source_with(source, config, options, cache.as_ref())
}

fn lint_source_with(
    source: &Source,
    config: &Config,
    options: &LintOptions,
    who: Option<&WhoCache>,
) -> SourceReport {
    let mut report = SourceReport::default();
    if let Source::Iam { file, named } = source {
        match source::iam_layout(file) {
            Ok(iam::Layout::Roles(roles))
                if options.jobs > 1 && roles.len() >= 2 * ROLES_PER_TASK =>
            {
                return lint_in_parallel(file, &roles, config, options.jobs, who);
            }
            Ok(layout) => source::for_each_iam_document(file, *named, &layout, |d| {
                report.policies += 1;
                report.linted.extend(lint_one(d, config, who));
            }),
            Err(e) => report.errors.push(e),
        }
        return report;
    }
    if let Source::Documents { errors, .. } = source {
        report.errors.extend(errors.iter().cloned());
    }
    let result = source.for_each_document(|d| {
        report.policies += 1;
        report.linted.extend(lint_one(d, config, who));
    });
    if let Err(e) = result {
        report.errors.push(e);
    }
    report
}

/// Workers take the next few roles from a shared counter; the results are put back in file
/// order, so the output does not depend on scheduling.
fn lint_in_parallel(
    file: &Arc<source::SourceText>,
    roles: &[iam::RoleText<'_>],
    config: &Config,
    workers: usize,
    who: Option<&WhoCache>,
) -> SourceReport {
    let tasks: Vec<&[iam::RoleText<'_>]> = roles.chunks(ROLES_PER_TASK).collect();
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done: Vec<(usize, Vec<Linted>)> = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(task) = tasks.get(i) else {
                return done;
            };
            let out = task
                .iter()
                .filter_map(|r| lint_one(source::iam_document(file, iam::role(*r)), config, who))
                .collect();
            done.push((i, out));
        }
    };
    let mut failed = false;
    let mut results: Vec<(usize, Vec<Linted>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers.clamp(1, tasks.len()))
            .map(|_| scope.spawn(work))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join().unwrap_or_else(|_| {
                    failed = true;
                    Vec::new()
                })
            })
            .collect()
    });
    results.sort_unstable_by_key(|(i, _)| *i);
    let mut report = SourceReport {
        policies: roles.len(),
        linted: results.into_iter().flat_map(|(_, out)| out).collect(),
        errors: Vec::new(),
    };
    if failed {
        report.errors.push(SourceError::at(
            file,
            0..0,
            "internal",
            "a lint worker failed; some roles were not linted",
        ));
    }
    report
}

/// Lint files and directories: [`source::discover`] finds the files, each is read and its
/// reader picked by content; a file no reader recognises, or that holds no trust policy, is
/// skipped (and said so in [`LintRun::skipped`]). A file that cannot be read or parsed is
/// one located error; every other file is still linted.
pub fn lint_paths(paths: &[PathBuf], config: &Config, options: &LintOptions) -> LintRun {
    let found = source::discover(paths);
    let cache = options.who.then(WhoCache::default);
    let who = cache.as_ref();
    let mut run = LintRun {
        errors: found.errors,
        ..LintRun::default()
    };
    // Terraform reads a module directory at once, and follows the local modules it calls.
    let (terraform, others): (Vec<_>, Vec<_>) = found
        .candidates
        .into_iter()
        .partition(|c| source::is_terraform(&c.path));
    if !terraform.is_empty() {
        let paths: Vec<PathBuf> = terraform.into_iter().map(|c| c.path).collect();
        run.files_read += paths.len();
        let src = source::read_terraform(&paths);
        let mut report = lint_source_with(&src, config, options, who);
        // A `.tf` file that holds no role and no error (a bucket, the providers) is skipped.
        let mut used = std::collections::HashSet::new();
        // One with a module call rolecall could not follow is not: its note says what was not
        // read, where "holds no role" would claim nothing is there.
        if let Source::Documents {
            documents,
            errors,
            notes,
            ..
        } = &src
        {
            used.extend(documents.iter().map(|d| canonical(&d.origin.file.path)));
            used.extend(errors.iter().chain(notes).map(|e| match &e.file {
                Some(f) => canonical(&f.path),
                None => canonical(std::path::Path::new(&e.name)),
            }));
        }
        run.notes.extend(notes_of(&src));
        for p in &paths {
            if !used.contains(&canonical(p)) {
                run.skipped.push(Skipped {
                    name: source::display_name(p),
                    reason: source::Skip::NoTrustPolicy.to_string(),
                });
            }
        }
        run.policies += report.policies;
        run.linted.append(&mut report.linted);
        run.errors.append(&mut report.errors);
    }
    // A CloudFormation template reads the local templates of its nested stacks with it, their
    // parameters bound; such a file found by the walk too is not linted again on its own, with
    // its parameters unbound (that would report its roles twice). Which files are nested is
    // known once every template is read, so templates (small: capped at MAX_TEMPLATE_BYTES)
    // are held until then; everything else is linted as it is read, and the results are put
    // back in the order the files were found.
    let mut outcomes = Vec::with_capacity(others.len());
    let mut nests = std::collections::HashMap::new();
    for c in others {
        let file = match source::read_file(&c.path) {
            Ok(f) => f,
            Err(e) => {
                outcomes.push(Outcome::Failed(e));
                continue;
            }
        };
        run.files_read += 1;
        let name = file.name.clone();
        let (format, src) = source::open_with(file, c.named, &source::cloudformation::from_disk);
        let template = format == Some(source::Format::CloudFormation);
        let src = match src {
            Ok(s) => s,
            Err(skip) => {
                outcomes.push(Outcome::Skipped(Skipped {
                    name,
                    reason: skip.to_string(),
                }));
                continue;
            }
        };
        if template {
            let path = canonical(&c.path);
            if let Source::Documents { nested, .. } = &src {
                let nested: std::collections::HashSet<PathBuf> =
                    nested.iter().map(|p| canonical(p)).collect();
                nests.entry(path.clone()).or_insert(nested);
            }
            outcomes.push(Outcome::Held(src, name, path));
        } else {
            let report = lint_source_with(&src, config, options, who);
            outcomes.push(Outcome::Linted(report, name, notes_of(&src)));
        }
    }
    let nested = source::cloudformation::nested_elsewhere(&nests);
    for outcome in outcomes {
        let (mut report, name, mut notes) = match outcome {
            Outcome::Failed(e) => {
                run.errors.push(e);
                continue;
            }
            Outcome::Skipped(s) => {
                run.skipped.push(s);
                continue;
            }
            Outcome::Held(_, name, path) if nested.contains(&path) => {
                run.skipped.push(Skipped {
                    name,
                    reason: "read as the nested stack of a template read in this run, with the \
                             parameters it passes"
                        .to_string(),
                });
                continue;
            }
            Outcome::Held(src, name, _) => {
                let report = lint_source_with(&src, config, options, who);
                (report, name, notes_of(&src))
            }
            Outcome::Linted(report, name, notes) => (report, name, notes),
        };
        run.notes.append(&mut notes);
        if report.policies == 0 && report.errors.is_empty() {
            run.skipped.push(Skipped {
                name,
                reason: source::Skip::NoTrustPolicy.to_string(),
            });
            continue;
        }
        run.policies += report.policies;
        run.linted.append(&mut report.linted);
        run.errors.append(&mut report.errors);
    }
    run
}

/// What became of one file of [`lint_paths`], in the order the files were found.
enum Outcome {
    Failed(SourceError),
    Skipped(Skipped),
    /// A CloudFormation template, linted once every file is read unless it is nested.
    Held(Source, String, PathBuf),
    Linted(SourceReport, String, Vec<SourceError>),
}

fn notes_of(src: &Source) -> Vec<SourceError> {
    match src {
        Source::Documents { notes, .. } => notes.clone(),
        Source::Iam { .. } => Vec::new(),
    }
}

/// A path as the file system names it, for telling two spellings of one file apart.
fn canonical(p: &std::path::Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::json;
    use crate::source::{self, Found, InlineIgnore, Placeholder, ReadOutput, SourceFile};

    /// Admits every GitHub repository: a cross-tenant finding on the `sub` value.
    const BROAD: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                      "StringLike": {"token.actions.githubusercontent.com:sub": "repo:<!Ref Org>/*"}}}]}"#;

    fn found(address: &str, text: &'static str, ignores: Vec<InlineIgnore>) -> Found {
        let at = BROAD.find("<!Ref Org>").unwrap();
        Found {
            file: 0,
            address: address.into(),
            span: 0..1,
            tree: json::parse(text).map_err(|_| source::ReadError {
                file: 0,
                span: 0..0,
                code: "invalid-yaml",
                message: "bad".into(),
            }),
            placeholders: vec![Placeholder::new("!Ref Org", at..at + 10)],
            ignores,
            labels: Vec::new(),
            before: None,
        }
    }

    fn output(found: Vec<Found>) -> ReadOutput {
        ReadOutput {
            files: vec![SourceFile {
                path: PathBuf::from("stack.yaml"),
                text: std::sync::Arc::from(BROAD),
            }],
            found,
            errors: Vec::new(),
            ..ReadOutput::default()
        }
    }

    fn rules(report: &SourceReport) -> Vec<&'static str> {
        report
            .linted
            .iter()
            .flat_map(|l| l.findings.iter().map(|f| f.rule))
            .collect()
    }

    #[test]
    fn inline_ignores_apply_to_valid_and_invalid_documents() {
        let config = Config::default();
        let opts = LintOptions {
            jobs: 1,
            who: false,
        };
        let plain = lint_source(
            &source::from_read_output(output(vec![found("Resources.A", BROAD, Vec::new())])),
            &config,
            &opts,
        );
        let first = rules(&plain)[0];
        let ignore = |rule: &str| InlineIgnore {
            rule: rule.into(),
            reason: "reviewed".into(),
            span: 0..0,
        };
        let ignored = lint_source(
            &source::from_read_output(output(vec![
                found("Resources.A", BROAD, vec![ignore(first)]),
                found(
                    "Resources.B",
                    "{\"Statement\": 1}",
                    vec![ignore(INVALID_POLICY)],
                ),
            ])),
            &config,
            &opts,
        );
        assert_eq!(ignored.policies, 2);
        assert!(!rules(&ignored).contains(&first), "{:?}", rules(&ignored));
        assert!(!rules(&ignored).contains(&INVALID_POLICY));
        // Without the ignore, the invalid document is reported.
        let invalid = lint_source(
            &source::from_read_output(output(vec![found(
                "Resources.B",
                "{\"Statement\": 1}",
                Vec::new(),
            )])),
            &config,
            &opts,
        );
        assert!(rules(&invalid).iter().all(|r| *r == INVALID_POLICY));
    }

    #[test]
    fn a_finding_on_a_placeholder_names_it() {
        let report = lint_documents(
            source::from_read_output(output(vec![found("Resources.A", BROAD, Vec::new())]))
                .documents()
                .0,
            &Config::default(),
        );
        let helps: Vec<String> = report.linted[0]
            .findings
            .iter()
            .filter_map(|f| f.help.clone())
            .collect();
        assert!(helps.iter().any(|h| h.contains("`!Ref Org`")), "{helps:?}");
    }

    /// A placeholder no repository name can be (`<!Ref Repo>`) empties the admitted set as
    /// literal text; its deploy-time value may not: "no token can assume it" only informs.
    #[test]
    fn unassumable_through_a_placeholder_is_a_note() {
        const PINNED: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                      "token.actions.githubusercontent.com:sub": "repo:<!Ref Org>/app:ref:refs/heads/main"}}}]}"#;
        let mut f = found("Resources.A", PINNED, Vec::new());
        let at = PINNED.find("<!Ref Org>").unwrap();
        f.placeholders = vec![Placeholder::new("!Ref Org", at..at + 10)];
        let report = lint_documents(
            source::from_read_output(output(vec![f])).documents().0,
            &Config::default(),
        );
        let unassumable: Vec<Severity> = report.linted[0]
            .findings
            .iter()
            .filter(|f| f.rule == super::super::rules::unassumable_role::RULE.id)
            .map(|f| f.severity)
            .collect();
        assert_eq!(unassumable, vec![Severity::Note]);
    }
}
