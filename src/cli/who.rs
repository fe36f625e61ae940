//! `rolecall who`: the identities a policy admits, per provider. Exit 0, or 2 on error
//! (including a policy too complex to decide exactly).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use rolecall::model::{self, Options, Witness};
use serde_json::{json, Value};

use super::diag::Diag;
use super::{emit, fail, load};

#[derive(Args)]
pub struct WhoArgs {
    /// The role's trust policy: any file `lint` reads (IAM JSON, `get-role` output, an
    /// account dump, a CloudFormation template, a Terraform plan).
    pub policy: PathBuf,
    /// The role to read when the file holds several (its name or resource address).
    #[arg(long, value_name = "NAME")]
    pub resource: Option<String>,
    #[arg(long, value_enum, default_value_t = WhoFormat::Text)]
    pub format: WhoFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WhoFormat {
    Text,
    Json,
}

pub fn run(args: &WhoArgs) -> ExitCode {
    let loaded = match load::policy(&args.policy, args.resource.as_deref()) {
        Ok(l) => l,
        Err(diags) => return fail(&diags),
    };
    let who = match model::who(&loaded.policy, &Options::default()) {
        Ok(w) => w,
        Err(e) => return fail(&[Diag::error("rolecall::model-error", e.to_string())]),
    };
    let out = match args.format {
        WhoFormat::Text => text(&loaded.name, &who),
        WhoFormat::Json => {
            let lines: Vec<Value> = who
                .lines
                .iter()
                .map(|l| {
                    json!({
                        "provider": l.provider,
                        "principal": l.principal,
                        "form": l.form,
                        "summary": l.summary,
                        "constrained": l.constrained.iter().map(|(f, v)| json!({"field": f, "admitted": v})).collect::<Vec<_>>(),
                        "address_limited": l.address_limited,
                        "witness": witness_json(&l.witness),
                    })
                })
                .collect();
            let doc = json!({"version": 1, "policy": loaded.name, "admitted": lines});
            format!(
                "{}\n",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            )
        }
    };
    emit(&out, "");
    ExitCode::SUCCESS
}

fn text(name: &str, who: &model::Who) -> String {
    if who.lines.is_empty() {
        return format!("{name}: no token of any provider can assume this role\n");
    }
    let mut s = format!("{name} admits:\n");
    for l in &who.lines {
        s.push_str(&format!("- {}", l.describe()));
        s.push('\n');
        s.push_str(&format!("  witness: {}\n", witness_line(&l.witness)));
    }
    s
}

/// One line: the claims and source address, and the caller.
pub fn witness_line(w: &Witness) -> String {
    let claims = serde_json::to_string(&w.claims).unwrap_or_default();
    match w.source_ip {
        Some(ip) => format!("{claims} from {ip} (provider {})", w.principal),
        None => format!("{claims} (provider {})", w.principal),
    }
}

pub fn witness_json(w: &Witness) -> Value {
    json!({
        "provider": w.principal,
        "claims": w.claims,
        "source_ip": w.source_ip.map(|ip| ip.to_string()),
        "now": rolecall::timestamp::rfc3339(w.now),
        "fields": w.fields.iter().map(|(f, v)| (f.clone(), json!(v))).collect::<serde_json::Map<_, _>>(),
    })
}
