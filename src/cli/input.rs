//! Reading the user's files: size-capped, `-` for stdin, errors with the path.

use std::io::Read;
use std::path::Path;

use rolecall::json::MAX_DOCUMENT_BYTES;

use super::diag::Diag;

/// Read a file (or stdin for `-`), refusing anything over the document size cap.
pub fn read(path: &Path) -> Result<Vec<u8>, Diag> {
    let display = path.display().to_string();
    let limit = u64::try_from(MAX_DOCUMENT_BYTES).unwrap_or(u64::MAX);
    let mut bytes = Vec::new();
    let result = if display == "-" {
        std::io::stdin().take(limit + 1).read_to_end(&mut bytes)
    } else {
        match std::fs::File::open(path) {
            Ok(f) => {
                if f.metadata().map(|m| m.is_dir()).unwrap_or(false) {
                    return Err(Diag::error(
                        "rolecall::io",
                        format!("cannot read `{display}`: it is a directory"),
                    ));
                }
                // Sized up front: growing by doubling would peak at up to twice the file.
                let size = f.metadata().map_or(0, |m| m.len()).min(limit + 1);
                bytes.reserve_exact(usize::try_from(size).unwrap_or(0).saturating_add(1));
                f.take(limit + 1).read_to_end(&mut bytes)
            }
            Err(e) => Err(e),
        }
    };
    if let Err(e) = result {
        return Err(Diag::error(
            "rolecall::io",
            format!("cannot read `{display}`: {e}"),
        ));
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(Diag::error(
            "rolecall::too_large",
            format!("`{display}` is over the {MAX_DOCUMENT_BYTES}-byte limit"),
        ));
    }
    Ok(bytes)
}

/// Name for a path in messages.
pub fn name(path: &Path) -> String {
    let s = path.display().to_string();
    if s == "-" {
        "<stdin>".into()
    } else {
        s
    }
}
