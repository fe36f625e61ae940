//! Arbitrary bytes as a file `rolecall lint` reads (a policy, `get-role` / `list-roles` output
//! or a whole-account dump): splitting it into documents and linting each with the default
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

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rolecall::check::{check, CheckInput};
use rolecall::eval::Verdict;
use rolecall::lint::{self, input, Config, Witness};
use rolecall::policy::Policy;

/// 2026-01-01T00:00:30Z, the time the linter checks its witnesses at.
const NOW: i128 = 1_767_225_630 * 1_000_000_000;

fn relaxed() -> bool {
    static RELAXED: OnceLock<bool> = OnceLock::new();
    *RELAXED.get_or_init(|| {
        std::env::var_os("ROLECALL_FUZZ_LINT_WITNESS_PRINCIPAL").is_some_and(|v| v == "1")
    })
}

fn verdict(policy: &Policy, w: &Witness, provider: Option<&str>) -> Option<Verdict> {
    let input = CheckInput {
        claims: &w.claims,
        provider,
        source_ip: w.source_ip,
        now: NOW,
        extra: &[],
    };
    check(policy, &input, None).ok().map(|r| r.verdict)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = rolecall::json::decode_utf8(data) else {
        return;
    };
    let Ok(layout) = input::layout(text) else {
        return;
    };
    if let input::Layout::Tree(root) = &layout {
        let _ = input::kind(root);
    }
    let config = Config::default();
    input::for_each_in_layout(&layout, |doc| {
        let origin = format!("fuzz.json#{}", doc.role.as_deref().unwrap_or_default());
        let policy = match &doc.result {
            Ok(policy) => policy,
            Err(errors) => {
                assert!(
                    !lint::invalid(errors).is_empty(),
                    "an invalid document without findings"
                );
                return;
            }
        };
        for finding in lint::lint(policy, &config, &origin) {
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
