//! The one place an issuer is recognised: which provider profile a condition-key prefix (the
//! issuer URL without `https://`) belongs to, and which claims AWS exposes for it (R6.2 to
//! R6.6). The evaluator asks for the claim family (`request::ClaimSet::of`), the linter for the
//! profile (`Profile::for_prefix`); both read the same table, so they cannot disagree.
//!
//! A pattern's `*` stands for a tenant- or instance-specific part. The host and the path are
//! matched apart, so a `*` in a host pattern never reaches into the path: `evil.example/x.ghe.com`
//! is not a GitHub Enterprise Cloud host.

use std::sync::LazyLock;

use super::{Profile, ALL};
use crate::pattern::Matcher;
use crate::request::ClaimSet;

/// What a key prefix is.
#[derive(Debug, Clone, Copy)]
pub struct Recognised {
    pub claims: ClaimSet,
    pub profile: Option<&'static Profile>,
}

/// Issuers AWS gives claim keys of their own but that rolecall has no profile for: web
/// identity federation through Login with Amazon and Facebook, and Oracle Cloud's identity
/// domains (R6.2, R6.6: the condition-keys page lists their keys).
const WITHOUT_PROFILE: &[(&str, ClaimSet)] = &[
    ("graph.facebook.com", ClaimSet::Facebook),
    ("www.amazon.com", ClaimSet::Amazon),
    ("idcs-*.identity.oraclecloud.com", ClaimSet::OracleCloud),
];

/// A prefix pattern, split into host and path.
struct Pattern {
    host: Matcher,
    /// `None`: the prefix has no path.
    path: Option<Matcher>,
}

impl Pattern {
    fn new(pattern: &str) -> Self {
        let (host, path) = split(pattern);
        Pattern {
            host: Matcher::new(host),
            path: path.map(Matcher::new),
        }
    }

    /// `host` and `path` of a prefix, split once by the caller ([`split`]).
    fn is_match(&self, host: &str, path: Option<&str>) -> bool {
        self.host.is_match(host)
            && match (&self.path, path) {
                (None, None) => true,
                (Some(m), Some(p)) => m.is_match(p),
                _ => false,
            }
    }
}

/// `host/rest` → (`host`, `Some(rest)`); a prefix without `/` has no path.
fn split(s: &str) -> (&str, Option<&str>) {
    match s.split_once('/') {
        Some((host, path)) => (host, Some(path)),
        None => (s, None),
    }
}

/// Compiled once: a whole-account dump asks this for every provider of every role.
static TABLE: LazyLock<Vec<(Pattern, Recognised)>> = LazyLock::new(|| {
    let profiles = ALL.iter().flat_map(|p| {
        p.prefixes.iter().map(move |pat| {
            let r = Recognised {
                claims: p.claims,
                profile: Some(*p),
            };
            (Pattern::new(pat), r)
        })
    });
    let others = WITHOUT_PROFILE.iter().map(|(pat, claims)| {
        let r = Recognised {
            claims: *claims,
            profile: None,
        };
        (Pattern::new(pat), r)
    });
    profiles.chain(others).collect()
});

/// The provider of a key prefix; any other issuer is a generic OIDC provider without a
/// profile.
pub fn recognise(prefix: &str) -> Recognised {
    let (host, path) = split(prefix);
    TABLE.iter().find(|(p, _)| p.is_match(host, path)).map_or(
        Recognised {
            claims: ClaimSet::Generic,
            profile: None,
        },
        |(_, r)| *r,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn family(prefix: &str) -> (ClaimSet, Option<&'static str>) {
        let r = recognise(prefix);
        (r.claims, r.profile.map(|p| p.id))
    }

    #[test]
    fn families_and_profiles() {
        let cases = [
            (
                "token.actions.githubusercontent.com",
                ClaimSet::GitHub,
                Some("github"),
            ),
            (
                "token.actions.githubusercontent.com/acme",
                ClaimSet::GitHub,
                Some("github"),
            ),
            (
                "token.actions.acme.ghe.com",
                ClaimSet::GitHub,
                Some("github"),
            ),
            (
                "github.com/enterprises/acme",
                ClaimSet::GitHub,
                Some("github"),
            ),
            ("gitlab.com", ClaimSet::GitLabCom, Some("gitlab")),
            (
                "agent.buildkite.com",
                ClaimSet::Buildkite,
                Some("buildkite"),
            ),
            (
                "agent.eu.buildkite.dev",
                ClaimSet::Buildkite,
                Some("buildkite"),
            ),
            (
                "oidc.circleci.com/org/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
                ClaimSet::CircleCi,
                Some("circleci"),
            ),
            ("accounts.google.com", ClaimSet::Google, Some("google")),
            (
                "cognito-identity.amazonaws.com",
                ClaimSet::Cognito,
                Some("cognito-identity"),
            ),
            ("graph.facebook.com", ClaimSet::Facebook, None),
            ("www.amazon.com", ClaimSet::Amazon, None),
            (
                "idcs-0a1b.identity.oraclecloud.com",
                ClaimSet::OracleCloud,
                None,
            ),
            (
                "api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc",
                ClaimSet::Bitbucket,
                Some("bitbucket"),
            ),
            ("app.terraform.io", ClaimSet::Generic, Some("hcp-terraform")),
            ("example.com", ClaimSet::Generic, None),
            // A host pattern's `*` stays in the host; a self-managed GitLab is generic to AWS.
            ("evil.example/x.ghe.com", ClaimSet::Generic, None),
            ("token.actions.evil/x.ghe.com", ClaimSet::Generic, None),
            ("gitlab.example.com", ClaimSet::Generic, None),
            ("gitlab.com/x", ClaimSet::Generic, None),
        ];
        for (prefix, claims, profile) in cases {
            assert_eq!(family(prefix), (claims, profile), "{prefix}");
        }
    }
}
