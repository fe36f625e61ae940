//! The built-in profiles, one file each.

mod azure_devops;
mod bitbucket;
mod buildkite;
mod circleci;
mod codefresh;
mod cognito_identity;
mod eks_irsa;
mod env0;
pub(crate) mod github;
mod gitlab;
mod google;
mod harness;
mod hcp_terraform;
mod jenkins;
mod scalr;
mod semaphore;
mod spacelift;
mod travis_ci;

use super::Profile;

/// Every built-in profile, sorted by id.
pub const ALL: &[&Profile] = &[
    &azure_devops::PROFILE,
    &bitbucket::PROFILE,
    &buildkite::PROFILE,
    &circleci::PROFILE,
    &codefresh::PROFILE,
    &cognito_identity::PROFILE,
    &eks_irsa::PROFILE,
    &env0::PROFILE,
    &github::PROFILE,
    &gitlab::PROFILE,
    &google::PROFILE,
    &harness::PROFILE,
    &hcp_terraform::PROFILE,
    &jenkins::PROFILE,
    &scalr::PROFILE,
    &semaphore::PROFILE,
    &spacelift::PROFILE,
    &travis_ci::PROFILE,
];
