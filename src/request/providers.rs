//! Which token claims AWS turns into condition keys, per provider (semantics R6.2 to R6.6).

/// Provider families that differ in the claims AWS exposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimSet {
    GitHub,
    GitLabCom,
    Buildkite,
    CircleCi,
    Google,
    Cognito,
    Facebook,
    Amazon,
    OracleCloud,
    Bitbucket,
    /// Any other IAM OIDC provider.
    Generic,
}

impl ClaimSet {
    /// Recognise the family from the key prefix (the provider URL without `https://`), from
    /// the one issuer table ([`crate::providers::recognise`]).
    pub fn of(prefix: &str) -> Self {
        crate::providers::recognise(prefix).claims
    }

    /// The claims that become `<prefix>:<claim>` keys. Google's `aud`/`oaud` are special-cased
    /// by the caller (R6.3).
    pub fn exposed(self) -> &'static [&'static str] {
        match self {
            ClaimSet::GitHub => &[
                "aud",
                "sub",
                "actor",
                "actor_id",
                "enterprise_id",
                "environment",
                "job_workflow_ref",
                "ref",
                "repository",
                "repository_id",
                "repository_owner_id",
                "workflow",
            ],
            ClaimSet::GitLabCom => &[
                "aud",
                "sub",
                "namespace_id",
                "pipeline_source",
                "project_id",
                "ref_protected",
                "runner_environment",
                "user_access_level",
                "user_email",
                "user_id",
                "user_login",
            ],
            ClaimSet::Buildkite => &[
                "aud",
                "sub",
                "build_branch",
                "cluster_id",
                "cluster_name",
                "organization_id",
                "organization_slug",
                "pipeline_id",
                "pipeline_slug",
            ],
            ClaimSet::CircleCi => &["aud", "sub", "oidc.circleci.com/project-id"],
            ClaimSet::Google => &["sub", "google/organization_number"],
            ClaimSet::Cognito => &["aud", "sub", "amr"],
            ClaimSet::Facebook => &["app_id", "id"],
            ClaimSet::Amazon => &["app_id", "user_id"],
            ClaimSet::OracleCloud => &["aud", "sub", "rpst_id"],
            ClaimSet::Bitbucket => &["aud", "sub"],
            // [UNDOC] R6.2: `amr`, `azp` and `email` are documented or reported for some
            // generic providers; the safe reading treats them as possibly present.
            ClaimSet::Generic => &["aud", "sub", "amr", "azp", "email"],
        }
    }

    /// Does AWS expose `<prefix>:<claim>` (compared without case)? Unlike [`Self::exposed`],
    /// this counts Google's `aud` and `oaud`, which AWS fills from `azp`/`aud` (R6.3).
    pub fn exposes(self, claim: &str) -> bool {
        let google = self == ClaimSet::Google
            && (claim.eq_ignore_ascii_case("aud") || claim.eq_ignore_ascii_case("oaud"));
        google || self.exposed().iter().any(|e| e.eq_ignore_ascii_case(claim))
    }

    /// Is the key `<prefix>:<claim>` filled from a claim other than its namesake, and which?
    /// Google's `oaud` is the token's `aud`, and its `aud` the token's `azp`, or its `aud`
    /// when there is no `azp` (R6.3). `None` for every other key.
    pub fn filled_from(self, claim: &str) -> Option<&'static [&'static str]> {
        match self {
            ClaimSet::Google if claim.eq_ignore_ascii_case("oaud") => Some(&["aud"]),
            ClaimSet::Google if claim.eq_ignore_ascii_case("aud") => Some(&["azp", "aud"]),
            _ => None,
        }
    }

    /// Built-in providers are named by domain in `Principal.Federated`, not by ARN.
    pub fn is_builtin(self) -> bool {
        matches!(
            self,
            ClaimSet::Google | ClaimSet::Cognito | ClaimSet::Facebook | ClaimSet::Amazon
        )
    }
}
