//! The built-in profiles, one file each.

mod bitbucket;
mod github;

use super::Profile;

/// Every built-in profile.
pub const ALL: &[&Profile] = &[&bitbucket::PROFILE, &github::PROFILE];
