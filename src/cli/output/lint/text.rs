//! Human output: one miette diagnostic per finding, pointing into the file, with its witness.

use std::fmt::Write;

use miette::Severity as MietteSeverity;
use rolecall::lint::Severity;

use super::Located;
use crate::cli::diag::{Diag, IndexedSource};

/// A fix `--fix` offered and did not apply, and why.
fn fix_line(offer: &rolecall::lint::fix::Offer) -> String {
    use rolecall::lint::fix::Proof;
    let why = match (&offer.proof, offer.auto) {
        (Proof::Refused(why), _) => format!("not applied: {why}"),
        (Proof::Proven, false) => "not applied: this rule's fixes are only suggested".into(),
        (Proof::Proven, true) => "proven, not applied".into(),
    };
    format!("suggested fix: {} ({why})", offer.description)
}

pub fn render(located: &[Located], baselined: usize) -> String {
    let mut out = String::new();
    for l in located {
        let f = &l.finding;
        let severity = match f.severity {
            Severity::Error => MietteSeverity::Error,
            Severity::Warning => MietteSeverity::Warning,
            Severity::Note => MietteSeverity::Advice,
        };
        let labels: String = l.labels.iter().map(|(k, v)| format!(", {k} {v}")).collect();
        let role = l
            .role
            .as_deref()
            .map(|r| format!(" (role {r}{labels})"))
            .unwrap_or_default();
        let mut d = Diag::error(
            &format!("rolecall::{}", f.rule),
            format!("{}:{}:{}{role}: {}", l.file, l.line, l.column, f.message),
        )
        .with_severity(severity)
        .in_indexed_source(IndexedSource::new(
            &l.source_name,
            &l.source,
            std::sync::Arc::clone(&l.source_lines),
        ))
        .primary(f.loc.span.clone(), "");
        for (span, label, _) in &l.related {
            d = d.label(span.clone(), label.clone());
        }
        if let Some(help) = &f.help {
            d = d.help(help.clone());
        }
        out.push_str(&d.render_for(&std::io::stdout()));
        if let Some(offer) = &f.fix {
            let _ = writeln!(out, "  {}", fix_line(offer));
        }
        // Printed after the diagnostic, unwrapped, so it can be copied as it is.
        if let Some(w) = &f.witness {
            let claims = serde_json::to_string(&w.claims).unwrap_or_default();
            let ip = w
                .source_ip
                .map(|ip| format!(" --source-ip {ip}"))
                .unwrap_or_default();
            let _ = writeln!(out, "  witness: {}, which the policy admits:", w.who);
            let _ = writeln!(out, "    {claims}");
            let resource = l
                .role
                .as_deref()
                .map(|r| format!(" --resource '{r}'"))
                .unwrap_or_default();
            // A nested stack's role is read from its top template, not its own file.
            let file = l
                .labels
                .iter()
                .find(|(k, _)| k == rolecall::source::cloudformation::NESTED_IN)
                .map_or(l.file.as_str(), |(_, v)| v.as_str());
            let _ = writeln!(
                out,
                "    reproduce: rolecall check {file}{resource} --claims {}{ip}\n",
                l.witness_file.as_deref().unwrap_or("witness.json")
            );
        }
    }
    let count = |s: Severity| located.iter().filter(|l| l.finding.severity == s).count();
    let _ = writeln!(
        out,
        "{} error(s), {} warning(s), {} note(s){}",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note),
        if baselined > 0 {
            format!("; {baselined} finding(s) already in the baseline")
        } else {
            String::new()
        }
    );
    out
}
