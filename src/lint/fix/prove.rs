//! The proof a fix must pass before `--fix` applies it: the fixed file, re-read through the
//! source layer, still holds the same roles; the model's `diff` finds no request the fixed
//! policy admits and the original does not; every identity the original evidently intends
//! and admits is still admitted (checked with the evaluator, `check::run`); and the finding
//! is gone.

use std::path::Path;

use super::intended;
use crate::check::{self, CheckRequest, Identity};
use crate::eval::Verdict;
use crate::lint::{lint_document, Config};
use crate::model::{self, Options};
use crate::policy::Policy;
use crate::source::Document;

/// What the proof found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// No new access, and every evidently intended identity kept.
    Proven,
    /// Why the fix is only a suggestion.
    Refused(String),
}

/// The document being fixed, among its file's documents.
pub struct Target<'a> {
    pub docs: &'a [Document],
    pub index: usize,
    pub rule: &'static str,
}

/// Prove the fixed text of the file at `path` against `target`.
pub fn prove(target: &Target<'_>, path: &Path, fixed_text: &str, config: &Config) -> Proof {
    match check_fix(target, path, fixed_text, config) {
        Ok(()) => Proof::Proven,
        Err(why) => Proof::Refused(why),
    }
}

fn check_fix(
    target: &Target<'_>,
    path: &Path,
    fixed_text: &str,
    config: &Config,
) -> Result<(), String> {
    let original = target
        .docs
        .get(target.index)
        .ok_or("the document is gone")?;
    let Ok(before) = &original.policy else {
        return Err("the original is not a valid policy".into());
    };
    let docs = super::run::reread(path, fixed_text);
    let same_roles = docs.len() == target.docs.len()
        && docs
            .iter()
            .zip(target.docs)
            .all(|(a, b)| a.origin.address == b.origin.address);
    if !same_roles {
        return Err("the fixed file does not read as the same roles".into());
    }
    let fixed = docs.get(target.index).ok_or("the document is gone")?;
    let after = fixed
        .policy
        .as_ref()
        .map_err(|_| "the fixed document is not a valid policy".to_string())?;
    no_new_access(before, after)?;
    keeps_intended(before, after, config, true)?;
    // An edit can reach other roles too (a Terraform policy document two roles share): each
    // role whose policy changed is held to the same proof.
    for (i, (old, new)) in target.docs.iter().zip(&docs).enumerate() {
        if i == target.index {
            continue;
        }
        match (&old.policy, &new.policy) {
            (Ok(a), Ok(b)) if a.to_json() == b.to_json() => {}
            (Ok(a), Ok(b)) => {
                no_new_access(a, b)?;
                keeps_intended(a, b, config, false)?;
            }
            (Err(_), Err(_)) => {}
            _ => return Err("the edit changes whether another role's policy is valid".into()),
        }
    }
    let count = |d: &Document| {
        lint_document(d.clone(), config).map_or(0, |l| {
            l.findings.iter().filter(|f| f.rule == target.rule).count()
        })
    };
    if count(fixed) >= count(original) {
        return Err("the finding remains after the edit".into());
    }
    Ok(())
}

/// The model finds no request `after` admits and `before` does not.
fn no_new_access(before: &Policy, after: &Policy) -> Result<(), String> {
    let diff = model::diff(before, after, &Options::default())
        .map_err(|e| format!("the model cannot prove it keeps or narrows access: {e}"))?;
    match diff.widened.first() {
        Some(way) => Err(format!(
            "it would admit more than the original: {}",
            way.sentence
                .replacen("HEAD also admits", "the fixed policy admits", 1)
        )),
        None => Ok(()),
    }
}

/// Every identity the original evidently intends and admits, the fixed policy admits; with
/// `one_needed`, there must be one (the edited role's proof cannot rest on none).
fn keeps_intended(
    before: &Policy,
    after: &Policy,
    config: &Config,
    one_needed: bool,
) -> Result<(), String> {
    let admits = |policy: &Policy, i: &intended::Intended| {
        check::run(&CheckRequest {
            policy,
            identity: Identity::Claims(&i.claims),
            provider: Some(&i.principal),
            source_ip: None,
            now: Options::default().now,
            context: &[],
        })
        .is_ok_and(|r| r.verdict == Verdict::Allow)
    };
    let mut kept = 0;
    for i in intended::identities(before, config) {
        if !admits(before, &i) {
            continue;
        }
        if !admits(after, &i) {
            return Err(format!("it would lock out an intended identity: {}", i.who));
        }
        kept += 1;
    }
    if kept == 0 && one_needed {
        return Err(
            "no identity the policy evidently intends is admitted before the edit, so keeping \
             it cannot be shown"
                .into(),
        );
    }
    Ok(())
}
