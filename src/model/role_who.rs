//! `who` for a report: what one role admits, or why the model would not decide it, as data a
//! renderer shows. Lint's HTML report asks the lint run for it ([`crate::lint::LintOptions`]),
//! so a role the model refuses is one refused role in the report, never a failed report.

use std::sync::Arc;

use super::memo::Memo;
use super::space::{Options, Witness};
use super::who::{who, Who, WhoLine};
use crate::policy::Policy;
use crate::timestamp;

/// What `who` says of one role.
#[derive(Debug, Clone)]
pub enum RoleWho {
    /// Every way in (none: no token of any provider can assume the role).
    Admits(Who),
    /// The model cannot decide this policy exactly (too complex, or a construct it does not
    /// cover); the reason, in words.
    Refused(String),
}

/// What `policy` admits, within the model's default bounds.
pub fn role_who(policy: &Policy) -> RoleWho {
    match who(policy, &Options::default()) {
        Ok(w) => RoleWho::Admits(w),
        Err(e) => RoleWho::Refused(e.to_string()),
    }
}

/// [`role_who`] once per distinct policy: an account deploys one trust-policy template to many
/// roles, and two policies with the same canonical document ([`Policy::to_json`]) mean the
/// same, so they admit the same identities. Shared by the threads of one lint run.
#[derive(Debug)]
pub struct WhoCache {
    done: Memo<Arc<RoleWho>>,
}

impl Default for WhoCache {
    fn default() -> Self {
        // A report holds every role's summary anyway: keep every distinct one.
        WhoCache {
            done: Memo::new(usize::MAX),
        }
    }
}

impl WhoCache {
    /// What `policy` admits, worked out at most once per distinct document.
    pub fn get(&self, policy: &Policy) -> Arc<RoleWho> {
        self.done
            .get_or(policy.to_json().to_string(), || Arc::new(role_who(policy)))
    }
}

impl WhoLine {
    /// The line as `rolecall who` prints it: the provider, the identity form in its terms, the
    /// constrained fields the form's words do not already show, and an address limit.
    pub fn describe(&self) -> String {
        let mut s = format!("{}: {}", self.provider, self.summary);
        for (field, values) in &self.constrained {
            let shown = values_text(values);
            if !self.summary.contains(&format!("`{shown}`")) {
                s.push_str(&format!("; {field} {shown}"));
            }
        }
        if self.address_limited {
            s.push_str("; from listed source addresses only");
        }
        s
    }
}

fn values_text(values: &[Option<String>]) -> String {
    values
        .iter()
        .map(|v| v.clone().unwrap_or_else(|| "(absent)".into()))
        .collect::<Vec<_>>()
        .join("|")
}

impl Witness {
    /// The `rolecall check` arguments, after the policy and `--claims FILE`, that replay this
    /// witness exactly: its caller, its source address (none: the key is absent) and its time.
    pub fn check_args(&self) -> Vec<String> {
        let mut args = vec!["--provider".to_string(), self.principal.clone()];
        if let Some(ip) = self.source_ip {
            args.push("--source-ip".into());
            args.push(ip.to_string());
        }
        args.push("--now".into());
        args.push(timestamp::rfc3339(self.now));
        args
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]
mod tests {
    use super::*;
    use crate::eval::{evaluate, Verdict};

    const REPO: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                      "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:*"}}}]}"#;

    #[test]
    fn the_cache_answers_one_document_once_whatever_its_spelling() {
        let spaced = crate::parse(REPO).unwrap();
        let compact = crate::parse(&crate::parse(REPO).unwrap().to_json().to_string()).unwrap();
        let cache = WhoCache::default();
        let a = cache.get(&spaced);
        let b = cache.get(&compact);
        assert!(Arc::ptr_eq(&a, &b));
        let other = crate::parse(&REPO.replace("acme/app", "acme/web")).unwrap();
        assert!(!Arc::ptr_eq(&a, &cache.get(&other)));
    }

    #[test]
    fn every_line_names_its_provider_and_its_witness_is_allowed() {
        let policy = crate::parse(REPO).unwrap();
        let w = match role_who(&policy) {
            RoleWho::Admits(w) => w,
            RoleWho::Refused(why) => unreachable!("refused: {why}"),
        };
        assert!(!w.lines.is_empty());
        for l in &w.lines {
            assert!(
                l.describe().starts_with("GitHub Actions: "),
                "{}",
                l.describe()
            );
            assert!(l.describe().contains("acme/app"), "{}", l.describe());
            let args = l.witness.check_args();
            assert_eq!(args[..2], ["--provider", l.witness.principal.as_str()]);
            assert!(args.contains(&"--now".to_string()));
            let req = l.witness.request();
            assert_eq!(evaluate(&policy, &req).verdict, Verdict::Allow);
        }
    }
}
