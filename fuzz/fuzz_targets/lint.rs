//! Arbitrary bytes as a file `rolecall lint` reads (a policy, `get-role` / `list-roles` output
//! or a whole-account dump), through the source layer and the linter's front door: splitting it
//! into documents and linting each with the default
//! configuration never panic, and every witness a finding reports is allowed by `check` with the
//! provider derived from the witness's `iss`: what the `reproduce: rolecall check FILE --claims
//! witness.json` line printed under it runs (the linter's contract).
//!
//! `ROLECALL_FUZZ_LINT_WITNESS_PRINCIPAL=1` checks each witness with its own principal instead
//! (`CheckInput::provider = Some(&witness.principal)`), the linter's internal contract, so a long
//! run can look past the known cases where the principal `check` derives from `iss` is another
//! one (the same provider URL trusted in two accounts; a bare non-built-in domain as the
//! `Federated` value).
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rolecall::check::{CheckRequest, Identity};
use rolecall::eval::Verdict;
use rolecall::lint::{self, Config, Witness};
use rolecall::policy::Policy;
use rolecall::source;

/// 2026-01-01T00:00:30Z, the time the linter checks its witnesses at.
const NOW: i128 = 1_767_225_630 * 1_000_000_000;

fn relaxed() -> bool {
    static RELAXED: OnceLock<bool> = OnceLock::new();
    *RELAXED.get_or_init(|| {
        std::env::var_os("ROLECALL_FUZZ_LINT_WITNESS_PRINCIPAL").is_some_and(|v| v == "1")
    })
}

/// What `rolecall check FILE --claims witness.json` answers, through its front door.
fn verdict(policy: &Policy, w: &Witness, provider: Option<&str>) -> Option<Verdict> {
    rolecall::check::run(&CheckRequest {
        policy,
        identity: Identity::Claims(&w.claims),
        provider,
        source_ip: w.source_ip,
        now: NOW,
        context: &[],
    })
    .ok()
    .map(|r| r.verdict)
}

fuzz_target!(|data: &[u8]| {
    // Read as `rolecall lint` reads a file: the source layer picks the reader by content.
    let Ok(file) = source::from_bytes(Path::new("fuzz.json"), data.to_vec()) else {
        return;
    };
    let Ok(src) = source::open(file, true) else {
        return;
    };
    let config = Config::default();
    let _ = src.for_each_document(|doc| {
        let policy = match &doc.policy {
            Ok(policy) => policy.clone(),
            Err(errors) => {
                assert!(
                    !lint::invalid(errors).is_empty() || !doc.problems.is_empty(),
                    "an invalid document without findings"
                );
                assert!(
                    lint::lint_document(doc, &config).is_some(),
                    "an invalid document linted clean"
                );
                return;
            }
        };
        let findings = lint::lint_document(doc, &config).map_or_else(Vec::new, |l| l.findings);
        for finding in findings {
            let policy = &policy;
            let Some(w) = &finding.witness else { continue };
            let from_iss = verdict(policy, w, None);
            let explicit = verdict(policy, w, Some(&w.principal));
            let allowed = if relaxed() { explicit } else { from_iss };
            if allowed == Some(Verdict::Allow) {
                continue;
            }
            panic!(
                "`{}` reports a witness that check does not allow: {from_iss:?} with the \
                 provider from `iss`, {explicit:?} with the witness's principal {:?}\n\
                 witness: {} claims={} source_ip={:?}\npolicy: {}",
                finding.rule,
                w.principal,
                w.who,
                serde_json::Value::Object(w.claims.clone()),
                w.source_ip,
                policy.to_json()
            );
        }
    });
});
