//! Reading the user's files through the library's reader: size-capped, `-` for stdin, errors
//! with the path.

use std::path::Path;

use rolecall::source;

use super::diag::Diag;

/// Read a file (or stdin for `-`), refusing anything over the document size cap.
pub fn read(path: &Path) -> Result<Vec<u8>, Diag> {
    source::read_bytes(path).map_err(|e| Diag::from_source_error(&e))
}

/// Name for a path in messages.
pub fn name(path: &Path) -> String {
    source::display_name(path)
}
