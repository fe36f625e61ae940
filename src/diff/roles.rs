//! Matching BASE's roles with HEAD's. A role is known by its resource address
//! (`Resources.DeployRole`, `module.ci.aws_iam_role.deploy`, a dump's `RoleName`), so a role
//! moved to another file is still one role; a bare policy file, which has no address, is known
//! by its path, following git's rename.

use std::collections::BTreeMap;

use crate::source::Document;

/// What happened to a role between BASE and HEAD.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Removed,
    /// The same role in another file.
    Moved,
    Modified,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Moved => "moved",
            Change::Modified => "modified",
        }
    }
}

/// Where a role is: its file as shown (`REV:path` at BASE), line and column, address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub address: Option<String>,
}

impl Place {
    pub fn of(doc: &Document) -> Place {
        let (line, column) = doc.origin.line_col();
        Place {
            file: doc.origin.file.name.clone(),
            line,
            column,
            address: doc.origin.address.clone(),
        }
    }
}

/// One side's role, with the repository path of its file (the same on both sides for an
/// unmoved file; BASE's is mapped through git's renames).
#[derive(Debug, Clone)]
pub struct Sided {
    pub path: String,
    /// BASE's file was renamed to `path`.
    pub renamed: bool,
    pub doc: Document,
}

/// A matched pair (either side may be missing).
#[derive(Debug)]
pub struct Pair {
    pub role: String,
    pub change: Change,
    pub base: Option<Document>,
    pub head: Option<Document>,
}

fn key(s: &Sided) -> String {
    s.doc
        .origin
        .address
        .clone()
        .unwrap_or_else(|| s.path.clone())
}

/// Pair each HEAD role with BASE's role of the same address in the same (renamed) file, else
/// with the only unmatched BASE role of that address anywhere (a move); what is left is added
/// (HEAD) or removed (BASE).
pub fn pair(base: Vec<Sided>, head: Vec<Sided>) -> Vec<Pair> {
    let mut base: Vec<Option<Sided>> = base.into_iter().map(Some).collect();
    let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, b) in base.iter().enumerate() {
        if let Some(b) = b {
            by_key.entry(key(b)).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for h in head {
        let k = key(&h);
        let candidates = by_key.get(&k).cloned().unwrap_or_default();
        let live = |i: &&usize| base.get(**i).is_some_and(Option::is_some);
        let same_file = candidates.iter().filter(live).find(|i| {
            base.get(**i)
                .and_then(Option::as_ref)
                .is_some_and(|b| b.path == h.path)
        });
        let open: Vec<&usize> = candidates.iter().filter(live).collect();
        let renamed = |i: usize| {
            base.get(i)
                .and_then(Option::as_ref)
                .is_some_and(|b| b.renamed)
        };
        let (found, change) = match (same_file, open.as_slice()) {
            (Some(i), _) if renamed(*i) => (Some(*i), Change::Moved),
            (Some(i), _) => (Some(*i), Change::Modified),
            // Only an addressed role can move: a bare policy is its file.
            (None, [i]) if h.doc.origin.address.is_some() => (Some(**i), Change::Moved),
            _ => (None, Change::Added),
        };
        let b = found.and_then(|i| base.get_mut(i).and_then(Option::take));
        out.push(Pair {
            role: k,
            change,
            base: b.map(|b| b.doc),
            head: Some(h.doc),
        });
    }
    out.extend(base.into_iter().flatten().map(|b| Pair {
        role: key(&b),
        change: Change::Removed,
        base: Some(b.doc),
        head: None,
    }));
    out
}
