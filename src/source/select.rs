//! Picking one document of a file, for `check`.

use thiserror::Error;

use super::Document;

/// Why no single document was picked.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SelectError {
    #[error("`{file}` holds no trust policy")]
    Empty { file: String },
    #[error("`{file}` holds {} roles: pick one with --resource NAME ({})", names.len(), names.join(", "))]
    Several { file: String, names: Vec<String> },
    #[error("`{file}` has no role `{name}`; it has: {}", names.join(", "))]
    NotFound {
        file: String,
        name: String,
        names: Vec<String>,
    },
}

/// The document `resource` names ([`super::Origin::is_named`]); without a name, the only one.
pub fn select(
    file: &str,
    documents: Vec<Document>,
    resource: Option<&str>,
) -> Result<Document, SelectError> {
    let names = || {
        documents
            .iter()
            .map(|d| {
                d.origin
                    .address
                    .clone()
                    .unwrap_or_else(|| "<policy>".into())
            })
            .collect::<Vec<_>>()
    };
    match resource {
        Some(name) => {
            let all = names();
            documents
                .into_iter()
                .find(|d| d.origin.is_named(name))
                .ok_or_else(|| SelectError::NotFound {
                    file: file.to_string(),
                    name: name.to_string(),
                    names: all,
                })
        }
        None if documents.len() > 1 => Err(SelectError::Several {
            file: file.to_string(),
            names: names(),
        }),
        None => documents
            .into_iter()
            .next()
            .ok_or_else(|| SelectError::Empty {
                file: file.to_string(),
            }),
    }
}
