//! Terraform HCL (`.tf` files), read without running terraform.
//!
//! [`read_roots`] takes the `.tf` files discovery found, groups them by directory (one
//! directory is one module), follows local `module { source = "./x" }` calls with the call's
//! arguments bound to the module's variables, and hands back every `aws_iam_role`'s
//! `assume_role_policy` as a located JSON tree: written as `jsonencode({...})`, a heredoc, a
//! string, or `data.aws_iam_policy_document.X.json` (rendered as the AWS provider renders it,
//! see [`policy_document`]). A directory another directory calls is read as that call's
//! module, not linted again on its own; a module directory nobody calls is a root, with its
//! variables' defaults.
//!
//! A module whose `source` is a registry address, git, https or s3 URL is read from where
//! `terraform init` installed it, as a local one is, when the root's
//! `.terraform/modules/modules.json` records it ([`installed`]); its documents are labelled
//! with the module's key, source and version. Without that manifest (or when it does not
//! record the call) the module is not read, and the call is a located `not-followed` note
//! ([`ReadOutput::notes`]); its outputs stay placeholders.
//!
//! `.tf.json` files (Terraform's JSON syntax) are modules' files like any `.tf`: each is
//! written out as native HCL and read by the same code ([`json_syntax`]).

mod eval;
mod ignores;
mod installed;
mod instances;
mod json_syntax;
mod modules;
mod parse;
mod policy_document;
mod value;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use hcl_edit::expr::Expression;
use hcl_edit::structure::Block;

use eval::{err, span_of, Bound, Env, Scope, MAX_REFERENCE_DEPTH};
use installed::Manifest;
use modules::{dir_of, label, ModuleSrc};
use value::{parse_json_text, VKind, Val};

use crate::json::MAX_DEPTH;
use crate::source::{Found, ReadError, ReadOutput, SourceFile};

/// Most module directories one read follows (each call to a directory not given is read
/// from disk).
const MAX_MODULES: usize = 1_000;

/// Whether a `.tf` text is worth reading: it declares a role, a policy document, or calls a
/// module (a local one's roles are read with the call's arguments; a registry or remote one's
/// from where `terraform init` installed it, or it is a note saying it was not read).
pub fn sniff(text: &str) -> bool {
    block_with_label(text, "resource", "\"aws_iam_role\"")
        || block_with_label(text, "data", "\"aws_iam_policy_document\"")
        || calls_module(text)
}

/// Whether a text is a Terraform JSON configuration (`.tf.json` syntax) that declares a role
/// or a policy document: how a file not named `.tf.json` is recognised.
pub fn sniff_json(text: &str) -> bool {
    json_syntax::sniff(text)
}

/// Does a JSON text declare a Terraform block at its top level (`"resource":`,
/// `"variable":`, ...)? What tells a `.tf.json` configuration from other JSON given that name.
pub fn is_configuration_json(text: &str) -> bool {
    json_syntax::is_configuration(text)
}

fn block_with_label(text: &str, ident: &str, label: &str) -> bool {
    memchr::memmem::find_iter(text.as_bytes(), label.as_bytes()).any(|i| {
        text.get(..i)
            .map(str::trim_end)
            .is_some_and(|before| before.ends_with(ident))
    })
}

fn calls_module(text: &str) -> bool {
    text.contains("module")
        && memchr::memmem::find_iter(text.as_bytes(), b"source").any(|i| {
            let rest = text.get(i + "source".len()..).unwrap_or("").trim_start();
            rest.strip_prefix('=')
                .map(str::trim_start)
                .is_some_and(|r| r.starts_with('"'))
        })
}

/// Read the `.tf` files `paths` (and the local modules they call, and the registry and remote
/// modules `terraform init` installed for them).
pub fn read_roots(paths: &[PathBuf]) -> ReadOutput {
    let mut files: Vec<SourceFile> = Vec::new();
    let mut errors: Vec<ReadError> = Vec::new();
    let mut mods: Vec<ModuleSrc> = Vec::new();
    let mut by_dir: HashMap<PathBuf, usize> = HashMap::new();

    let mut given: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for p in paths {
        given
            .entry(dir_of(p))
            .or_default()
            .insert(modules::normalize(p));
    }
    // The JSON text of each `.tf.json` file, while `files` holds its native translation.
    let mut jsons: Vec<Option<json_syntax::JsonSource>> = Vec::new();
    let load = |dir: &Path,
                paths: &mut dyn Iterator<Item = PathBuf>,
                files: &mut Vec<SourceFile>,
                jsons: &mut Vec<Option<json_syntax::JsonSource>>,
                errors: &mut Vec<ReadError>| {
        let mut m = ModuleSrc {
            dir: dir.to_path_buf(),
            files: Vec::new(),
        };
        for p in paths {
            let parsed = parse::read(&p, files.len());
            let index = files.len();
            files.push(parsed.file);
            jsons.push(parsed.json);
            match parsed.body {
                Ok(body) => m.files.push((index, body)),
                Err(e) => errors.push(e),
            }
        }
        m
    };
    for (dir, ps) in &given {
        let m = load(
            dir,
            &mut ps.iter().cloned(),
            &mut files,
            &mut jsons,
            &mut errors,
        );
        by_dir.insert(dir.clone(), mods.len());
        mods.push(m);
    }
    // A root's modules `terraform init` installed are read from where it put them; the
    // manifest is read for every directory given, as any may turn out to be a root.
    let mut manifests: Vec<Manifest> = Vec::new();
    let mut manifest_of: HashMap<PathBuf, usize> = HashMap::new();
    for dir in given.keys() {
        let Some((file, manifest, mut problems)) = installed::read(dir, files.len()) else {
            continue;
        };
        files.push(file);
        jsons.push(None);
        errors.append(&mut problems);
        let mut dirs: Vec<&PathBuf> = manifest
            .modules
            .values()
            .filter(|m| !modules::is_local(&m.source) && m.dir.is_dir())
            .map(|m| &m.dir)
            .collect();
        dirs.sort();
        for t in dirs {
            if by_dir.contains_key(t) || mods.len() >= MAX_MODULES {
                continue;
            }
            let m = load(
                t,
                &mut modules::tf_files(t).into_iter(),
                &mut files,
                &mut jsons,
                &mut errors,
            );
            by_dir.insert(t.clone(), mods.len());
            mods.push(m);
        }
        manifest_of.insert(dir.clone(), manifests.len());
        manifests.push(manifest);
    }
    // Called modules discovery did not list are read from disk.
    let mut i = 0;
    while let Some(m) = mods.get(i) {
        let targets: Vec<PathBuf> = m.calls().into_iter().map(|(_, _, t)| t).collect();
        for t in targets {
            if by_dir.contains_key(&t) || mods.len() >= MAX_MODULES {
                continue;
            }
            let m = load(
                &t,
                &mut modules::tf_files(&t).into_iter(),
                &mut files,
                &mut jsons,
                &mut errors,
            );
            by_dir.insert(t, mods.len());
            mods.push(m);
        }
        i += 1;
    }

    let mut called: HashSet<PathBuf> = HashSet::new();
    for m in &mods {
        for (_, _, t) in m.calls() {
            if t != m.dir {
                called.insert(t);
            }
        }
    }
    let mut reader = Reader {
        files: &files,
        mods: &mods,
        by_dir: &by_dir,
        manifests: &manifests,
        found: Vec::new(),
        errors,
        notes: Vec::new(),
        reported: HashSet::new(),
        instantiated: HashSet::new(),
    };
    let root = |d: &PathBuf| Call {
        root: manifest_of.get(d).copied(),
        ..Call::default()
    };
    let roots: Vec<(usize, Call)> = given
        .keys()
        .filter(|d| !called.contains(*d))
        .filter_map(|d| by_dir.get(d).map(|m| (*m, root(d))))
        .collect();
    for (m, call) in roots {
        reader.instantiate(m, &call, HashMap::new(), 0);
    }
    // Directories only reachable through a cycle of calls are roots too.
    let rest: Vec<(usize, Call)> = given
        .keys()
        .filter_map(|d| by_dir.get(d).map(|m| (*m, root(d))))
        .filter(|(m, _)| !reader.instantiated.contains(m))
        .collect();
    for (m, call) in rest {
        reader.instantiate(m, &call, HashMap::new(), 0);
    }
    let (found, errors, notes) = (reader.found, reader.errors, reader.notes);
    let mut out = ReadOutput {
        files,
        found,
        errors,
        notes,
        ..ReadOutput::default()
    };
    json_syntax::restore(&mut out, &jsons);
    out
}

/// How a module instance was reached: the root whose manifest says where its installed
/// modules are, the module key (`ci.inner`, how the manifest names a call), the resource
/// address prefix (`module.ci["a"].module.inner.`), the file of the root's call it is under,
/// and labels naming each installed module on the way, for the documents read in it.
#[derive(Debug, Clone, Default)]
struct Call {
    root: Option<usize>,
    key: String,
    root_file: Option<usize>,
    prefix: String,
    labels: Vec<(String, String)>,
}

impl Call {
    /// The call `name` made in `file` from this instance, as the instance `suffix` of it.
    fn enter(&self, name: &str, suffix: &str, file: usize) -> Call {
        Call {
            root: self.root,
            root_file: self.root_file.or(Some(file)),
            key: if self.key.is_empty() {
                name.to_string()
            } else {
                format!("{}.{name}", self.key)
            },
            prefix: format!("{}module.{name}{suffix}.", self.prefix),
            labels: self.labels.clone(),
        }
    }
}

/// A module call followed: (file, block, the callee, the label naming it when it is a module
/// `terraform init` installed).
type Followed<'b> = (usize, &'b Block, usize, Option<(String, String)>);

struct Reader<'a> {
    files: &'a [SourceFile],
    mods: &'a [ModuleSrc],
    by_dir: &'a HashMap<PathBuf, usize>,
    /// The manifests of the roots `terraform init` ran in (see [`installed`]).
    manifests: &'a [Manifest],
    found: Vec<Found>,
    errors: Vec<ReadError>,
    /// Module calls not followed, each once.
    notes: Vec<ReadError>,
    /// Errors already reported (a module called twice has its cycles once).
    reported: HashSet<(usize, usize, &'static str)>,
    instantiated: HashSet<usize>,
}

impl Reader<'_> {
    fn report(&mut self, e: ReadError) {
        if self.reported.insert((e.file, e.span.start, e.code)) {
            self.errors.push(e);
        }
    }

    fn note(&mut self, file: usize, span: std::ops::Range<usize>, message: String) {
        if self.reported.insert((file, span.start, "not-followed")) {
            self.notes.push(err(file, span, "not-followed", message));
        }
    }

    fn instantiate(&mut self, m: usize, call: &Call, vars: HashMap<String, Bound>, depth: usize) {
        let Some(module) = self.mods.get(m) else {
            return;
        };
        self.instantiated.insert(m);
        let scope = Scope::new(self.files, module, vars);
        for (f, b) in module.blocks("resource") {
            if let (Some("aws_iam_role"), Some(name)) = (label(b, 0), label(b, 1)) {
                let address = format!("{}aws_iam_role.{name}", call.prefix);
                self.roles(&scope, f, b, &address, &call.labels);
            }
        }
        let mut calls: Vec<Followed<'_>> = module
            .calls()
            .into_iter()
            .filter_map(|(f, b, t)| self.by_dir.get(&t).map(|c| (f, b, *c, None)))
            .collect();
        for (f, b, source, span) in module.remote_calls() {
            match self.installed(call, label(b, 0).unwrap_or(""), source) {
                Ok((callee, named)) => calls.push((f, b, callee, Some(named))),
                Err(message) => self.note(f, span, message),
            }
        }
        for (f, b, callee, named) in calls {
            let name = label(b, 0).unwrap_or("");
            if depth >= MAX_REFERENCE_DEPTH {
                self.report(err(
                    f,
                    span_of(b),
                    "module-cycle",
                    format!("module.{name} nests modules deeper than {MAX_REFERENCE_DEPTH} levels"),
                ));
                continue;
            }
            scope.reset_budget();
            let instances = match instances::expand(&scope, f, b, "unexpanded-module") {
                Ok(i) => i,
                Err(e) => {
                    self.report(e);
                    continue;
                }
            };
            for (suffix, env) in instances {
                let vars = self.arguments(&scope, f, b, &env);
                let mut next = call.enter(name, &suffix, f);
                if let Some(named) = &named {
                    next.labels.push(named.clone());
                    self.nested_in(&mut next);
                }
                self.instantiate(callee, &next, vars, depth + 1);
            }
        }
        scope.check_locals();
        let cycles: Vec<ReadError> = scope.cycles.borrow().clone();
        for e in cycles {
            self.report(e);
        }
    }

    /// An installed module's file is read only through the root's call, and holds no such
    /// address on its own: label the file to read it from (`check FILE --resource ADDRESS`),
    /// as a nested stack's role is, which also keeps `--fix` out of `.terraform/`.
    fn nested_in(&self, call: &mut Call) {
        let nested = crate::source::cloudformation::NESTED_IN;
        if call.labels.iter().any(|(k, _)| k == nested) {
            return;
        }
        if let Some(file) = call.root_file.and_then(|f| self.files.get(f)) {
            let top = crate::source::display_name(&file.path);
            call.labels.push((nested.to_string(), top));
        }
    }

    /// The module `terraform init` installed for the call `name` (from `source`) made in
    /// `call`, and the label that names it; or why it cannot be read, for a note.
    fn installed(
        &self,
        call: &Call,
        name: &str,
        source: &str,
    ) -> Result<(usize, (String, String)), String> {
        let key = call.enter(name, "", 0).key;
        let what = format!("module `{key}` from `{source}` is not read");
        let Some(manifest) = call.root.and_then(|r| self.manifests.get(r)) else {
            return Err(format!(
                "{what}: run `terraform init` so rolecall can read .terraform/modules, or lint \
                 the module's source"
            ));
        };
        let again =
            "run `terraform init` again so rolecall can read it, or lint the module's source";
        if manifest.broken {
            return Err(format!(
                "{what}: `{}` cannot be read (see its error); fix it or run `terraform init` again",
                manifest.path.display()
            ));
        }
        let Some(module) = manifest.modules.get(&key) else {
            return Err(format!(
                "{what}: `{}` records no module `{key}` ({again})",
                manifest.path.display()
            ));
        };
        let Some(&callee) = self.by_dir.get(&module.dir) else {
            let why = if module.dir.is_dir() {
                format!("more than {MAX_MODULES} modules are read")
            } else {
                format!(
                    "`{}` installed it in `{}`, which is not a directory ({again})",
                    manifest.path.display(),
                    module.dir.display()
                )
            };
            return Err(format!("{what}: {why}"));
        };
        // Keyed by the module's key: a role two installed modules deep has a label for each.
        Ok((callee, (format!("module.{key}"), module.describe())))
    }

    /// A module call's arguments, evaluated in the caller: the callee's variables.
    fn arguments(
        &mut self,
        scope: &Scope<'_>,
        f: usize,
        b: &Block,
        env: &Env,
    ) -> HashMap<String, Bound> {
        const META: &[&str] = &[
            "source",
            "version",
            "count",
            "for_each",
            "providers",
            "depends_on",
        ];
        let mut vars = HashMap::new();
        for a in b.body.attributes() {
            let key = a.key.as_str();
            if META.contains(&key) {
                continue;
            }
            scope.reset_budget();
            let val = match scope.eval(f, &a.value, env) {
                Ok(v) => v,
                Err(e) => {
                    self.report(e);
                    Val::unknown(span_of(&a.value), scope.source(f, &span_of(&a.value)))
                }
            };
            vars.insert(key.to_string(), Bound { file: f, val });
        }
        vars
    }

    fn roles(
        &mut self,
        scope: &Scope<'_>,
        f: usize,
        b: &Block,
        address: &str,
        context: &[(String, String)],
    ) {
        let written = self
            .files
            .get(f)
            .map(|file| ignores::above(&file.text, span_of(b).start))
            .unwrap_or_default();
        // Checked here, where the comment's file is known (a role's document, and so its
        // `Found`, may be in another file): a bad ignore is an error and suppresses nothing.
        let mut ignores = Vec::new();
        for i in written {
            match ignores::problem(&i, address) {
                Some((code, message)) => self.report(err(f, i.span.clone(), code, message)),
                None => ignores.push(i),
            }
        }
        let before = self.found.len();
        self.instances(scope, f, b, address);
        if let Some(new) = self.found.get_mut(before..) {
            for found in new {
                found.ignores.clone_from(&ignores);
                found.labels.extend(context.iter().cloned());
            }
        }
    }

    fn instances(&mut self, scope: &Scope<'_>, f: usize, b: &Block, address: &str) {
        scope.reset_budget();
        let instances = match instances::expand(scope, f, b, "unexpanded-resource") {
            Ok(i) => i,
            Err(e) => {
                self.push_err(address.to_string(), f, b, e);
                return;
            }
        };
        for (suffix, env) in instances {
            scope.reset_budget();
            let address = format!("{address}{suffix}");
            match document(scope, f, b, &env) {
                Ok((bound, labels)) => {
                    let mut placeholders = Vec::new();
                    let tree = bound.val.to_node(&mut placeholders);
                    let span = if bound.file == f {
                        span_of(b)
                    } else {
                        bound.val.span.clone()
                    };
                    self.found.push(Found {
                        file: bound.file,
                        address,
                        span,
                        tree: Ok(tree),
                        placeholders,
                        ignores: Vec::new(),
                        labels,
                        before: None,
                    });
                }
                Err(e) => self.push_err(address, f, b, e),
            }
        }
    }

    fn push_err(&mut self, address: String, f: usize, b: &Block, e: ReadError) {
        self.reported.insert((e.file, e.span.start, e.code));
        let span = if e.file == f {
            span_of(b)
        } else {
            e.span.clone()
        };
        self.found.push(Found {
            file: e.file,
            address,
            span,
            tree: Err(e),
            placeholders: Vec::new(),
            ignores: Vec::new(),
            labels: Vec::new(),
            before: None,
        });
    }
}

/// A role's trust policy as a value, in the file the document is written in.
fn document(
    scope: &Scope<'_>,
    f: usize,
    b: &Block,
    env: &Env,
) -> Result<(Bound, Vec<(String, String)>), ReadError> {
    let Some(attr) = b.body.get_attribute("assume_role_policy") else {
        return Err(err(
            f,
            span_of(b),
            "missing-policy",
            "the role has no assume_role_policy",
        ));
    };
    let mut labels = Vec::new();
    let mut bound = None;
    if let Expression::Traversal(t) = &attr.value {
        let is_doc = matches!(&t.expr, Expression::Variable(v) if v.as_str() == "data")
            && matches!(t.operators.first().map(|o| o.value()), Some(hcl_edit::expr::TraversalOperator::GetAttr(a)) if a.as_str() == "aws_iam_policy_document");
        if is_doc {
            if let Some(d) = scope.doc_ref(f, t, env)? {
                let what = scope.source(f, &span_of(&attr.value));
                labels.push((
                    "policy-document".to_string(),
                    what.trim_end_matches(".json").to_string(),
                ));
                bound = Some(Bound {
                    file: d.file,
                    val: Val::new(d.val.span.clone(), VKind::Json(Box::new(d.val))),
                });
            }
        }
    }
    let bound = match bound {
        Some(b) => b,
        None => Bound {
            file: f,
            val: scope.eval(f, &attr.value, env)?,
        },
    };
    let file = bound.file;
    let val = match bound.val.kind {
        VKind::Json(v) => *v,
        VKind::Object(_) => bound.val,
        VKind::Str(t) => parse_json_text(&t).map_err(|(m, s)| err(file, s, "invalid-json", format!("assume_role_policy: {m}")))?,
        VKind::Unknown(what) => {
            return Err(err(
                file,
                bound.val.span,
                "unresolved-policy",
                format!("assume_role_policy is `{what}`, which rolecall cannot resolve without running terraform"),
            ))
        }
        _ => return Err(err(file, bound.val.span, "invalid-policy", "assume_role_policy must be a JSON policy document")),
    };
    if val.depth() > MAX_DEPTH {
        return Err(err(
            file,
            val.span,
            "too-deep",
            format!("the policy nests deeper than {MAX_DEPTH} levels"),
        ));
    }
    Ok((Bound { file, val }, labels))
}

/// Parse one `.tf` text on its own as a root module (the fuzz target's entry point: no disk).
pub fn read_text(path: &Path, bytes: Vec<u8>) -> ReadOutput {
    let parsed = parse::parse_bytes(path, bytes, 0);
    let mut errors = Vec::new();
    let mut m = ModuleSrc {
        dir: dir_of(path),
        files: Vec::new(),
    };
    match parsed.body {
        Ok(body) => m.files.push((0, body)),
        Err(e) => errors.push(e),
    }
    let jsons = vec![parsed.json];
    let files = vec![parsed.file];
    let mods = vec![m];
    let by_dir = HashMap::new();
    let mut reader = Reader {
        files: &files,
        mods: &mods,
        by_dir: &by_dir,
        manifests: &[],
        found: Vec::new(),
        errors,
        notes: Vec::new(),
        reported: HashSet::new(),
        instantiated: HashSet::new(),
    };
    reader.instantiate(0, &Call::default(), HashMap::new(), 0);
    let (found, errors, notes) = (reader.found, reader.errors, reader.notes);
    let mut out = ReadOutput {
        files,
        found,
        errors,
        notes,
        ..ReadOutput::default()
    };
    json_syntax::restore(&mut out, &jsons);
    out
}
