//! Nested stacks: a parent template's `AWS::CloudFormation::Stack` (`Properties.TemplateURL`)
//! and SAM `AWS::Serverless::Application` (`Properties.Location`) whose template is a local
//! path, relative to the parent's file as `aws cloudformation package` and `sam build` take it
//! (`./child.yaml`, `child.yaml`, `../x/y.json`). The child is read with its `Parameters`
//! bound from the parent's `Properties.Parameters`, each evaluated in the parent's context;
//! its roles are `Resources.<StackId>.Resources.<RoleId>`, located in the child's file.
//!
//! Not followed, each a note (`lint -v`): a remote template (`https://`, `s3://`), a SAR
//! application (`Location: {ApplicationId, ...}`), a location that is not a literal string, a
//! `Parameters` that is not a literal map (the child keeps its defaults).
//! Errors, located at the location in the parent: a file that cannot be read (with the path
//! tried), one that is not a template, a cycle, nesting deeper than [`MAX_DEPTH`], more than
//! [`MAX_TEMPLATES`] nested templates under one template.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use super::intrinsic::Resolver;
use super::template::{intrinsic, render, scalar_text, Template};
use crate::json::{Kind, Node, Span};
use crate::source::{Placeholder, ReadError, ReadOutput, SourceError};

/// Nesting levels read below the template named: CloudFormation sets no depth of its own,
/// and a real tree is two or three deep, so a deeper one is taken for a mistake (two
/// templates that nest each other through a path spelled two ways).
pub const MAX_DEPTH: usize = 16;

/// Nested templates read under one template, counting each time one is read: a template
/// that nests the same child from ten stacks, each nesting ten more, would otherwise be read
/// a million times.
pub const MAX_TEMPLATES: usize = 256;

/// How a nested template's text is had: from disk for files, from `git show REV:path` for a
/// parent read at a git revision. The error is the file's own (not found, not UTF-8, ...).
pub type Fetch<'a> = &'a dyn Fn(&Path) -> Result<Arc<str>, SourceError>;

/// A parameter value a parent passes: its text, and the placeholders standing in it for what
/// the parent cannot decide.
#[derive(Debug, Clone)]
pub struct Bound {
    pub text: String,
    pub placeholders: Vec<Placeholder>,
}

/// Parameter values by name.
pub type Bindings = BTreeMap<String, Bound>;

/// The state of one read, shared by every template under the one named.
pub struct Nesting<'f> {
    fetch: Fetch<'f>,
    /// The templates being read, outermost first, as joined paths: one that nests any of them
    /// nests itself.
    chain: Vec<PathBuf>,
    /// Nested templates read so far.
    read: usize,
}

impl<'f> Nesting<'f> {
    pub fn new(path: &Path, fetch: Fetch<'f>) -> Self {
        Nesting {
            fetch,
            chain: vec![normalize(path)],
            read: 0,
        }
    }
}

/// Read the nested templates of `root` (read from `path`) into `out`, whose file 0 is
/// `root`'s.
pub fn follow(
    root: &Node<'static>,
    template: &Template<'_>,
    path: &Path,
    nesting: &mut Nesting<'_>,
    out: &mut ReadOutput,
) {
    let Some(resources) = root.get("Resources").and_then(Node::as_object) else {
        return;
    };
    for m in resources {
        let kind = m.value.get("Type").and_then(Node::as_str);
        let field = match kind {
            Some("AWS::CloudFormation::Stack") => "TemplateURL",
            Some("AWS::Serverless::Application") => "Location",
            _ => continue,
        };
        let stack = format!("Resources.{}", m.key);
        let props = m.value.get("Properties");
        let Some(location) = props.and_then(|p| p.get(field)) else {
            let why = format!("{stack} has no `Properties.{field}`: no template to read");
            out.notes.push(at(m.key_span.clone(), "not-followed", why));
            continue;
        };
        let target = match &location.kind {
            Kind::String(s) if is_remote(s) => {
                let why = format!(
                    "the template of {stack} is remote (`{s}`): not followed; only a local path \
                     (as `aws cloudformation package` and `sam build` take it) is read"
                );
                out.notes
                    .push(at(location.span.clone(), "not-followed", why));
                continue;
            }
            Kind::String(s) => s.as_ref(),
            Kind::Object(_) if location.get("ApplicationId").is_some() => {
                let why = format!(
                    "{stack} is a Serverless Application Repository application \
                     (`ApplicationId`): not followed"
                );
                out.notes
                    .push(at(location.span.clone(), "not-followed", why));
                continue;
            }
            _ => {
                let why = format!(
                    "the `{field}` of {stack} is `{}`, not a literal path: not followed",
                    render(location)
                );
                out.notes
                    .push(at(location.span.clone(), "not-followed", why));
                continue;
            }
        };
        let dir = path.parent().unwrap_or_else(|| Path::new(""));
        let child = normalize(&dir.join(target));
        let span = location.span.clone();
        if let Some(first) = nesting.chain.iter().position(|p| *p == child) {
            let cycle: Vec<String> = nesting
                .chain
                .iter()
                .skip(first)
                .chain(std::iter::once(&child))
                .map(|p| format!("`{}`", p.display()))
                .collect();
            let why = format!(
                "{stack} nests `{}`, which is already being read: a cycle ({}); not followed",
                child.display(),
                cycle.join(" -> ")
            );
            out.errors.push(at(span, "nested-stack-cycle", why));
            continue;
        }
        if nesting.chain.len() > MAX_DEPTH {
            let why = format!(
                "{stack} nests `{}` more than {MAX_DEPTH} levels below the template read: \
                 not followed",
                child.display()
            );
            out.errors.push(at(span, "nesting-too-deep", why));
            continue;
        }
        if nesting.read >= MAX_TEMPLATES {
            let why = format!(
                "{stack} nests `{}`, over the {MAX_TEMPLATES} nested templates read under one \
                 template: not followed",
                child.display()
            );
            out.errors.push(at(span, "too-many-nested-templates", why));
            continue;
        }
        let text = match (nesting.fetch)(&child) {
            Ok(text) => text,
            Err(e) => {
                let code = if e.code == "not-found" {
                    "missing-nested-template"
                } else {
                    e.code
                };
                let why = format!(
                    "the template of {stack}, `{}`, cannot be read: {}",
                    child.display(),
                    e.message
                );
                out.errors.push(at(span, code, why));
                continue;
            }
        };
        if !super::sniff(&text) {
            let why = format!(
                "the template of {stack}, `{}`, is not a CloudFormation template",
                child.display()
            );
            out.errors.push(at(span, "not-a-template", why));
            continue;
        }
        nesting.read += 1;
        let bound = bind(
            template,
            props.and_then(|p| p.get("Parameters")),
            &stack,
            out,
        );
        nesting.chain.push(child.clone());
        let read = super::read_template(&child, &text, &bound, nesting);
        nesting.chain.pop();
        merge(out, read, &stack, child);
    }
}

/// Not a path on disk: a URL (`https://`, `s3://`, any scheme).
fn is_remote(location: &str) -> bool {
    location.contains("://") || location.starts_with("s3:")
}

/// The parent's `Parameters` map, each value evaluated in the parent's context. A value the
/// parent cannot decide, or one that is no string, list or number, is one placeholder named
/// after it. `AWS::NoValue` passes nothing (the child's `Default` holds). A `Parameters` that
/// is not a literal map (`!If [...]`) is not evaluated: the child keeps its defaults.
fn bind(
    template: &Template<'_>,
    parameters: Option<&Node<'static>>,
    stack: &str,
    out: &mut ReadOutput,
) -> Bindings {
    let mut bound = Bindings::new();
    // An intrinsic is an object too: `{"Fn::If": [...]}` names no parameter.
    let literal = parameters.filter(|p| intrinsic(p).is_none());
    let Some(members) = literal.and_then(Node::as_object) else {
        if let Some(p) = parameters {
            let why = format!(
                "the `Parameters` of {stack} is `{}`, not a literal map: not evaluated; the \
                 nested template's parameters keep their defaults",
                render(p)
            );
            out.notes.push(at(p.span.clone(), "not-followed", why));
        }
        return bound;
    };
    let mut resolver = Resolver::new(template);
    for m in members {
        let Some(value) = resolver.resolve(&m.value) else {
            continue;
        };
        let text = match &value.kind {
            Kind::Array(items) => items
                .iter()
                .map(scalar_text)
                .collect::<Option<Vec<_>>>()
                .map(|items| items.join(",")),
            _ => scalar_text(&value),
        };
        // Named as the parent wrote it, and by the stack that passes it: the child's finding
        // then says where the value comes from.
        let from = |what: &str| format!("{what} from {stack}");
        let mut placeholders: Vec<Placeholder> = resolver
            .placeholders
            .drain(..)
            .map(|p| Placeholder {
                what: from(&p.what),
                ..p
            })
            .collect();
        let text = text.unwrap_or_else(|| {
            let p = Placeholder::new(from(&render(&m.value)), m.value.span.clone());
            let text = p.text.clone();
            placeholders = vec![p];
            text
        });
        bound.insert(m.key.to_string(), Bound { text, placeholders });
    }
    out.errors.extend(
        resolver
            .errors
            .drain(..)
            .map(|e| at(e.span, e.code, e.message)),
    );
    bound
}

/// Of the templates of one run, each with the files it read as nested stacks ([`ReadOutput::
/// nested`], paths spelled alike), those read as the nested stack of another: a run does not
/// read them again on their own. Not one that nests its parent back (a cycle, which each
/// read reports): those are read on their own too, so the cycle is reported.
pub fn nested_elsewhere(nests: &HashMap<PathBuf, HashSet<PathBuf>>) -> HashSet<PathBuf> {
    let mut out = HashSet::new();
    for (parent, children) in nests {
        for child in children {
            let cycle = nests.get(child).is_some_and(|c| c.contains(parent));
            if child != parent && !cycle {
                out.insert(child.clone());
            }
        }
    }
    out
}

/// Add a child's output to its parent's: files after the parent's, addresses under the stack.
fn merge(out: &mut ReadOutput, child: ReadOutput, stack: &str, path: PathBuf) {
    let offset = out.files.len();
    out.files.extend(child.files);
    out.found.extend(child.found.into_iter().map(|mut f| {
        f.file += offset;
        f.address = format!("{stack}.{}", f.address);
        f
    }));
    let moved = |mut e: ReadError| {
        e.file += offset;
        e
    };
    out.errors.extend(child.errors.into_iter().map(moved));
    out.notes.extend(child.notes.into_iter().map(moved));
    out.nested.push(path);
    out.nested.extend(child.nested);
}

/// `.` and `..` taken out lexically, as the packaging tools join a path to its template's
/// folder (`os.path.join` and `abspath`), so one file is one path whichever way it is named.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                // `/..` is `/`.
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            c => out.push(c),
        }
    }
    if out.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        out
    }
}

/// An error (or note) in the template being read, file 0 of its output.
fn at(span: Span, code: &'static str, message: String) -> ReadError {
    ReadError {
        file: 0,
        span,
        code,
        message,
    }
}
