//! Writing a fixed file: all or nothing. The new text goes to a temporary file beside the
//! original (same directory, so the rename cannot cross file systems), which then replaces
//! it; the file is left as it was on any error, and when it changed since it was read.

use std::io::Write;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// Why a fixed file was not written.
#[derive(Debug, Error)]
pub enum WriteError {
    #[error("it changed since it was read; run `rolecall lint --fix` again")]
    Changed,
    #[error("cannot write it: {0}")]
    Io(#[from] std::io::Error),
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Replace the file at `path`, whose text was `before` (as read: a leading BOM dropped), by
/// `after`, keeping its BOM and permissions.
pub fn write_atomically(path: &Path, before: &str, after: &str) -> Result<(), WriteError> {
    let current = std::fs::read(path)?;
    let bom = current.starts_with(BOM);
    let body = if bom {
        current.get(BOM.len()..).unwrap_or_default()
    } else {
        current.as_slice()
    };
    if body != before.as_bytes() {
        return Err(WriteError::Changed);
    }
    let temp = temp_path(path);
    let result = write_temp(&temp, bom, after).and_then(|()| {
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&temp, meta.permissions())?;
        }
        std::fs::rename(&temp, path)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    Ok(result?)
}

fn write_temp(temp: &Path, bom: bool, text: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(temp)?;
    if bom {
        f.write_all(BOM)?;
    }
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

/// `.<name>.rolecall-fix-<pid>` beside the file.
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.rolecall-fix-{}", std::process::id()))
}
