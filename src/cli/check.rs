//! `rolecall check`: load, decide, render. Exit 0 Allow, 1 Deny, 2 error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use rolecall::check::{CheckError, CheckRequest, Identity};
use rolecall::{timestamp, Verdict};

use super::diag::Diag;
use super::{emit, fail, load, output};

#[derive(Args)]
#[command(group(clap::ArgGroup::new("identity").required(true).args(["token", "claims"])))]
pub struct CheckArgs {
    /// The role's trust policy: any file `lint` reads (a policy, `get-role` / `list-roles`
    /// output, an account dump, ...).
    pub policy: PathBuf,
    /// The role to decide on when the file holds several (its name or resource address).
    #[arg(long, value_name = "NAME")]
    pub resource: Option<String>,
    /// The web identity token (a JWT file, or `-` for stdin).
    #[arg(long, value_name = "FILE")]
    pub token: Option<PathBuf>,
    /// Decoded claims (a JSON object) instead of a token; no token checks are made.
    #[arg(long, value_name = "FILE")]
    pub claims: Option<PathBuf>,
    /// The caller's public IP (`aws:SourceIp`). Without it the key is absent, as for a call
    /// through a VPC endpoint.
    #[arg(long, value_name = "IP")]
    pub source_ip: Option<String>,
    /// Verify the token's signature against this JWKS file (offline).
    #[arg(long, value_name = "FILE")]
    pub jwks: Option<PathBuf>,
    /// Evaluation time: RFC 3339 or Unix seconds. Default: now.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// A client ID (audience) registered on the IAM OIDC provider; repeat for several.
    #[arg(long = "audience", value_name = "AUD")]
    pub audiences: Vec<String>,
    /// An extra condition key, `KEY=VALUE` (e.g. `aws:RequestedRegion=us-east-1`); repeatable.
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    /// The caller's principal (provider ARN or built-in domain). Default: from the `iss` claim.
    #[arg(long, value_name = "PRINCIPAL")]
    pub provider: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub fn run(args: &CheckArgs) -> ExitCode {
    match decide(args) {
        Ok((verdict, stdout)) => {
            emit(&stdout, "");
            match verdict {
                Verdict::Allow => ExitCode::SUCCESS,
                Verdict::Deny => ExitCode::from(1),
            }
        }
        Err(diags) => fail(&diags),
    }
}

fn decide(args: &CheckArgs) -> Result<(Verdict, String), Vec<Diag>> {
    // Parse the cheap arguments first so a typo fails before any file is read.
    let source_ip = args
        .source_ip
        .as_deref()
        .map(|s| rolecall::check::parse_source_ip(s).map_err(|e| vec![check_error(&e)]))
        .transpose()?;
    let now = match &args.now {
        Some(t) => timestamp::parse(t).ok_or_else(|| {
            vec![Diag::error(
                "rolecall::invalid-argument",
                format!("--now `{t}` is neither RFC 3339 nor Unix seconds"),
            )]
        })?,
        None => timestamp::now(),
    };
    let context = context_pairs(&args.context)?;
    rolecall::check::validate_context(&context, source_ip).map_err(|e| vec![check_error(&e)])?;
    let loaded = load::policy(&args.policy, args.resource.as_deref())?;
    let (claims, token) = match (&args.token, &args.claims) {
        (Some(path), _) => (None, Some(load::token(path).map_err(|d| vec![d])?)),
        (None, Some(path)) => (Some(load::claims(path).map_err(|d| vec![d])?), None),
        (None, None) => {
            return Err(vec![Diag::error(
                "rolecall::invalid-argument",
                "give --token or --claims",
            )])
        }
    };
    let jwks = args
        .jwks
        .as_deref()
        .map(load::jwks)
        .transpose()
        .map_err(|d| vec![d])?;
    let identity = match (&token, &claims) {
        (Some(t), _) => Identity::Token {
            token: t,
            jwks: jwks.as_ref(),
            audiences: &args.audiences,
        },
        (None, Some(c)) => Identity::Claims(c),
        (None, None) => {
            return Err(vec![Diag::error(
                "rolecall::invalid-argument",
                "give --token or --claims",
            )])
        }
    };
    let report = rolecall::check::run(&CheckRequest {
        policy: &loaded.policy,
        identity,
        provider: args.provider.as_deref(),
        source_ip,
        now,
        context: &context,
    })
    .map_err(|e| vec![check_error(&e)])?;
    let text = match args.format {
        Format::Text => output::text::check(&loaded, &report, token.as_ref()),
        Format::Json => output::json::check(&loaded, &report, token.as_ref()),
    };
    Ok((report.verdict, text))
}

fn check_error(e: &CheckError) -> Diag {
    let d = Diag::error(&format!("rolecall::{}", e.code()), e.to_string());
    match e.help() {
        Some(h) => d.help(h),
        None => d,
    }
}

fn context_pairs(raw: &[String]) -> Result<Vec<(String, String)>, Vec<Diag>> {
    raw.iter()
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) if k.matches(':').count() == 1 => Ok((k.to_string(), v.to_string())),
            _ => Err(vec![Diag::error(
                "rolecall::invalid-argument",
                format!("--context `{kv}` must be KEY=VALUE with a key like `aws:SourceVpce`"),
            )]),
        })
        .collect()
}
