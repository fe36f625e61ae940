//! Reading a file (or stdin for `-`): size-capped, UTF-8, every failure a located error.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use crate::json::{self, MAX_DOCUMENT_BYTES};

use super::document::{display_name, SourceError, SourceText};

/// Largest template read: a CloudFormation or SAM template (YAML or JSON), a `.tf` or
/// `.tf.json` file. CloudFormation's own limit is 1 MB; a hand-written Terraform file is a few
/// kilobytes. YAML and HCL parsers build large trees slowly, so a bigger file is refused
/// before it is read, not parsed for seconds.
pub const MAX_TEMPLATE_BYTES: usize = 8 * 1024 * 1024;

/// File name endings held to [`MAX_TEMPLATE_BYTES`] (any letter case). Other files (IAM JSON,
/// a whole-account dump, a Terraform plan) may be up to [`MAX_DOCUMENT_BYTES`].
pub const TEMPLATE_EXTENSIONS: &[&str] = &[".yaml", ".yml", ".template", ".tf", ".tf.json"];

/// The size cap of a file, by its name: [`MAX_TEMPLATE_BYTES`] for a template's endings,
/// [`MAX_DOCUMENT_BYTES`] otherwise (stdin included). A template in a `.json` file is held to
/// [`MAX_TEMPLATE_BYTES`] by its reader, after the read.
pub fn size_cap(path: &Path) -> usize {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if path.as_os_str() != "-" && TEMPLATE_EXTENSIONS.iter().any(|e| name.ends_with(e)) {
        MAX_TEMPLATE_BYTES
    } else {
        MAX_DOCUMENT_BYTES
    }
}

/// Over its cap by the file system's word: the error, without reading a byte.
pub fn too_large(path: &Path) -> Option<SourceError> {
    let cap = size_cap(path);
    let size = std::fs::metadata(path).ok()?.len();
    (size > u64::try_from(cap).unwrap_or(u64::MAX)).then(|| too_large_error(path, size, cap))
}

fn too_large_error(path: &Path, size: u64, cap: usize) -> SourceError {
    let what = if cap == MAX_TEMPLATE_BYTES {
        "a template or Terraform file"
    } else {
        "a document"
    };
    SourceError {
        position: Some((1, 1)),
        ..SourceError::unread(
            path,
            "too-large",
            format!(
                "file too large: `{}` is {size} bytes, over the {cap}-byte limit for {what}",
                display_name(path)
            ),
        )
    }
}

/// Read a file's bytes (stdin for `-`), refusing anything over its size cap ([`size_cap`]):
/// a file the file system says is too big is refused before any byte is read.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, SourceError> {
    let cap = size_cap(path);
    let limit = u64::try_from(cap).unwrap_or(u64::MAX);
    let mut bytes = Vec::new();
    let result = if path.as_os_str() == "-" {
        std::io::stdin().take(limit + 1).read_to_end(&mut bytes)
    } else {
        match std::fs::File::open(path) {
            Ok(f) => {
                if f.metadata().map(|m| m.is_dir()).unwrap_or(false) {
                    return Err(SourceError::unread(
                        path,
                        "io",
                        "cannot read it: it is a directory",
                    ));
                }
                let size = f.metadata().map_or(0, |m| m.len());
                if size > limit {
                    return Err(too_large_error(path, size, cap));
                }
                // Sized up front: growing by doubling would peak at up to twice the file.
                let size = size.min(limit + 1);
                bytes.reserve_exact(usize::try_from(size).unwrap_or(0).saturating_add(1));
                f.take(limit + 1).read_to_end(&mut bytes)
            }
            Err(e) => return Err(open_error(path, &e)),
        }
    };
    if let Err(e) = result {
        return Err(SourceError::unread(
            path,
            "io",
            format!("cannot read it: {e}"),
        ));
    }
    if bytes.len() > cap {
        // A file that grew while read, or stdin.
        let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        return Err(too_large_error(path, size, cap));
    }
    Ok(bytes)
}

fn open_error(path: &Path, e: &std::io::Error) -> SourceError {
    let dangling = e.kind() == std::io::ErrorKind::NotFound
        && path
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink());
    if dangling {
        let target = std::fs::read_link(path)
            .map(|t| t.display().to_string())
            .unwrap_or_default();
        return SourceError::unread(
            path,
            "dangling-symlink",
            format!("it is a symbolic link to `{target}`, which does not exist"),
        );
    }
    let code = match e.kind() {
        std::io::ErrorKind::NotFound => "not-found",
        _ => "io",
    };
    SourceError::unread(path, code, format!("cannot read it: {e}"))
}

/// Read a file as UTF-8 text (a leading BOM dropped), without copying a big file twice more
/// than needed.
pub fn read_file(path: &Path) -> Result<Arc<SourceText>, SourceError> {
    let bytes = read_bytes(path)?;
    let text = utf8(bytes, path)?;
    Ok(Arc::new(SourceText::new(
        path.to_path_buf(),
        Arc::from(text),
    )))
}

/// A file's text from bytes already read (a test, a fuzz target, a bench).
pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Arc<SourceText>, SourceError> {
    let text = utf8(bytes, path)?;
    Ok(Arc::new(SourceText::new(
        path.to_path_buf(),
        Arc::from(text),
    )))
}

fn utf8(bytes: Vec<u8>, path: &Path) -> Result<String, SourceError> {
    let bom = usize::from(bytes.starts_with(b"\xEF\xBB\xBF")) * 3;
    let valid_until = match json::decode_utf8(&bytes) {
        Ok(_) => return json::into_utf8(bytes).map_err(|_| not_utf8(path, 0, 1, 1)),
        Err(e) => e.span.start,
    };
    let valid = bytes
        .get(bom..bom + valid_until)
        .and_then(|b| std::str::from_utf8(b).ok())
        .unwrap_or_default();
    let (line, col) = json::line_col(valid, valid.len());
    Err(not_utf8(path, bom + valid_until, line, col))
}

fn not_utf8(path: &Path, offset: usize, line: usize, col: usize) -> SourceError {
    SourceError {
        position: Some((line, col)),
        ..SourceError::unread(
            path,
            "not-utf8",
            format!("not valid UTF-8 (byte offset {offset})"),
        )
    }
}
