//! Modules `terraform init` installed: `<root>/.terraform/modules/modules.json`, which records
//! each module call of the root's tree by its key (the call names from the root joined by
//! `.`: `ci`, `ci.inner`), where its source was read from and the directory (relative to the
//! root) it was unpacked into. A registry, git, https or s3 module is read from there, as
//! Terraform reads it after `init`; without the manifest it cannot be read at all, and the
//! call is a note (`not-followed`) rather than silence.
//!
//! The manifest is trusted as Terraform leaves it: an entry whose source no longer matches the
//! call's (the `source` edited after `init`) is still read, and the document says which source
//! and version was read, because Terraform itself refuses to plan until `init` runs again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::json::{self, Kind, Node, Span};
use crate::source::{ReadError, SourceFile, MAX_TEMPLATE_BYTES};

use super::modules::normalize;

/// Where Terraform keeps the manifest, relative to the root module's directory.
pub const MANIFEST: &str = ".terraform/modules/modules.json";

/// One installed module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    /// The source as Terraform recorded it: `registry.terraform.io/ns/name/provider//sub`.
    pub source: String,
    pub version: Option<String>,
    /// The directory it was unpacked into, joined to the root's.
    pub dir: PathBuf,
}

impl Installed {
    /// `from ns/name/provider//sub version 1.2.3`: the source as written in a call (the
    /// public registry's host is implied there), for the label of a document read in it.
    pub fn describe(&self) -> String {
        let source = self
            .source
            .strip_prefix("registry.terraform.io/")
            .unwrap_or(&self.source);
        match &self.version {
            Some(v) => format!("from {source} version {v}"),
            None => format!("from {source}"),
        }
    }
}

/// A root module's manifest: where it is, and its entries by key.
#[derive(Debug, Default)]
pub struct Manifest {
    pub path: PathBuf,
    /// It could not be read or parsed (an error says where): it records nothing.
    pub broken: bool,
    pub modules: HashMap<String, Installed>,
}

/// The manifest of the root module in `root`, if `terraform init` left one: its file (to push
/// at `index` of `ReadOutput::files`), the manifest, and what was wrong with it. A manifest
/// that cannot be read or parsed is an error located in it and records nothing; a malformed
/// entry is an error at the entry and the others are kept.
pub fn read(root: &Path, index: usize) -> Option<(SourceFile, Manifest, Vec<ReadError>)> {
    let path = root.join(MANIFEST);
    if !path.is_file() {
        return None;
    }
    let mut manifest = Manifest {
        path: path.clone(),
        broken: false,
        modules: HashMap::new(),
    };
    let mut errors = Vec::new();
    let err = |span: Span, message: String| ReadError {
        file: index,
        span,
        code: "invalid-module-manifest",
        message,
    };
    let text: Arc<str> = match std::fs::metadata(&path) {
        Ok(m) if m.len() > MAX_TEMPLATE_BYTES as u64 => {
            errors.push(err(
                0..0,
                format!(
                    "the module manifest is {} bytes, over the {MAX_TEMPLATE_BYTES}-byte limit: \
                     no installed module is read",
                    m.len()
                ),
            ));
            Arc::from("")
        }
        _ => match std::fs::read(&path) {
            Ok(bytes) => Arc::from(String::from_utf8_lossy(&bytes).as_ref()),
            Err(e) => {
                errors.push(err(0..0, format!("cannot read the module manifest: {e}")));
                Arc::from("")
            }
        },
    };
    manifest.broken = !errors.is_empty();
    if !manifest.broken {
        match json::parse(&text) {
            Ok(tree) => {
                manifest.broken = !entries(&tree, root, &mut manifest, &mut |s, m| {
                    errors.push(err(s, m))
                });
            }
            Err(e) => {
                manifest.broken = true;
                errors.push(err(
                    e.span.clone(),
                    format!(
                        "the module manifest is not valid JSON ({e}): no installed module is read"
                    ),
                ));
            }
        }
    }
    Some((SourceFile { path, text }, manifest, errors))
}

/// The entries of a parsed manifest into `manifest`; false when it has no `Modules` list.
fn entries(
    tree: &Node<'_>,
    root: &Path,
    manifest: &mut Manifest,
    error: &mut dyn FnMut(Span, String),
) -> bool {
    let Some(list) = tree.get("Modules").and_then(Node::as_array) else {
        error(
            tree.span.clone(),
            "the module manifest has no `Modules` list: no installed module is read".to_string(),
        );
        return false;
    };
    for entry in list {
        let field = |name: &str| match entry.get(name).map(|n| &n.kind) {
            Some(Kind::String(s)) => Ok(Some(s.to_string())),
            None => Ok(None),
            Some(_) => Err(name.to_string()),
        };
        let (key, source, dir, version) = match (
            field("Key"),
            field("Source"),
            field("Dir"),
            field("Version"),
        ) {
            (Ok(Some(k)), Ok(Some(s)), Ok(Some(d)), Ok(v)) => (k, s, d, v),
            (k, s, d, v) => {
                let bad: Vec<String> = [("Key", k), ("Source", s), ("Dir", d), ("Version", v)]
                    .into_iter()
                    .filter_map(|(name, f)| match f {
                        Err(_) => Some(format!("`{name}` is not a string")),
                        Ok(None) if name != "Version" => Some(format!("no `{name}`")),
                        Ok(_) => None,
                    })
                    .collect();
                error(
                    entry.span.clone(),
                    format!(
                        "a module manifest entry is malformed ({}): that module is not read",
                        bad.join(", ")
                    ),
                );
                continue;
            }
        };
        // The root itself (`Key: ""`) is the directory being read.
        if key.is_empty() {
            continue;
        }
        manifest.modules.insert(
            key,
            Installed {
                source,
                version: version.filter(|v| !v.is_empty()),
                dir: normalize(&root.join(dir)),
            },
        );
    }
    true
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]
mod tests {
    use super::*;

    fn manifest(text: &str) -> (Manifest, Vec<ReadError>) {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join(".terraform/modules");
        std::fs::create_dir_all(&m).unwrap();
        std::fs::write(m.join("modules.json"), text).unwrap();
        let (_, manifest, errors) = read(dir.path(), 3).unwrap();
        (manifest, errors)
    }

    #[test]
    fn entries_are_keyed_with_dirs_joined_to_the_root() {
        let (m, errors) = manifest(
            r#"{"Modules":[{"Key":"","Source":"","Dir":"."},
            {"Key":"ci","Source":"registry.terraform.io/terraform-aws-modules/iam/aws//modules/iam-github-oidc-role","Version":"5.39.0","Dir":".terraform/modules/ci/modules/iam-github-oidc-role"},
            {"Key":"ci.inner","Source":"git::https://example.com/x.git","Dir":".terraform/modules/ci.inner"}]}"#,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(m.modules.len(), 2);
        let ci = &m.modules["ci"];
        assert!(ci
            .dir
            .ends_with(".terraform/modules/ci/modules/iam-github-oidc-role"));
        assert_eq!(
            ci.describe(),
            "from terraform-aws-modules/iam/aws//modules/iam-github-oidc-role version 5.39.0"
        );
        assert_eq!(
            m.modules["ci.inner"].describe(),
            "from git::https://example.com/x.git"
        );
    }

    #[test]
    fn a_manifest_that_is_not_json_is_one_located_error() {
        let (m, errors) = manifest("{\"Modules\": [\n  {\"Key\": \"ci\",,}]}");
        assert!(m.modules.is_empty() && m.broken);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].code, "invalid-module-manifest");
        assert_eq!(errors[0].file, 3);
        assert!(errors[0].span.start > 0, "{errors:?}");
    }

    #[test]
    fn a_malformed_entry_is_located_and_the_others_kept() {
        let text =
            r#"{"Modules":[{"Key":"bad","Dir":7},{"Key":"ok","Source":"x/y/aws","Dir":"d"}]}"#;
        let (m, errors) = manifest(text);
        assert_eq!(m.modules.keys().collect::<Vec<_>>(), ["ok"]);
        assert!(!m.broken);
        assert_eq!(errors.len(), 1);
        assert_eq!(&text[errors[0].span.clone()], r#"{"Key":"bad","Dir":7}"#);
        assert!(
            errors[0].message.contains("no `Source`") && errors[0].message.contains("`Dir` is not"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn no_modules_list_is_an_error() {
        let (m, errors) = manifest("[]");
        assert!(m.broken);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("`Modules`"));
    }
}
