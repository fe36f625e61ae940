//! `lint --witness-dir`: hands the findings' witnesses to the library, which writes them, and
//! records each file on its finding for the text renderer.

use std::path::Path;

use rolecall::lint::witness_dir::{self, Entry};

use super::diag::Diag;
use super::output::lint::Located;

pub fn save(dir: &Path, located: &mut [Located]) -> Result<(), Diag> {
    let fingerprints: Vec<String> = located.iter().map(Located::fingerprint).collect();
    let (indexes, entries): (Vec<usize>, Vec<Entry<'_>>) = located
        .iter()
        .zip(&fingerprints)
        .enumerate()
        .filter_map(|(i, (l, fingerprint))| {
            let witness = l.finding.witness.as_ref()?;
            Some((
                i,
                Entry {
                    rule: l.finding.rule,
                    fingerprint,
                    witness,
                },
            ))
        })
        .unzip();
    let paths = witness_dir::write(dir, &entries).map_err(|e| {
        Diag::error(
            "rolecall::witness-dir",
            format!("cannot write witness files: {e}"),
        )
        .help("no witness file is left half-written; check that the directory is writable")
    })?;
    for (i, path) in indexes.into_iter().zip(paths) {
        if let Some(l) = located.get_mut(i) {
            l.witness_file = Some(path.display().to_string());
        }
    }
    Ok(())
}
