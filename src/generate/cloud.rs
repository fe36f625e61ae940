//! Identity providers of clouds: EKS service accounts, Google, Cognito identity pools.

use super::error::GenerateError;
use super::names::{cond, digits, name};
use super::scope::Spec;
use super::{Compare, Cond};
use crate::providers::is_uuid;

/// EKS IAM roles for service accounts
/// (<https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html>):
/// issuer `oidc.eks.REGION.amazonaws.com/id/ID`, audience `sts.amazonaws.com`, `sub`
/// `system:serviceaccount:NS:SA`, both `StringEquals` as in the guide.
pub(super) fn eks_service_account(
    region: &str,
    cluster_id: &str,
    namespace: &str,
    service_account: &str,
) -> Result<Spec, GenerateError> {
    let region_ok = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !region_ok {
        return Err(GenerateError::new(
            "--region",
            format!("`{region}` is not an AWS region (`us-east-1`)"),
        ));
    }
    if cluster_id.is_empty() || !cluster_id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(GenerateError::new(
            "--cluster-id",
            format!("`{cluster_id}` is not an EKS OIDC issuer id (the hex after `/id/`)"),
        ));
    }
    name("--namespace", namespace, &['/'])?;
    name("--service-account", service_account, &['/'])?;
    Ok(Spec {
        issuer: format!("oidc.eks.{region}.amazonaws.com/id/{cluster_id}"),
        audience: "sts.amazonaws.com".into(),
        conditions: vec![cond(
            "sub",
            format!("system:serviceaccount:{namespace}:{service_account}"),
        )],
        description: format!("service account {namespace}/{service_account}"),
        builtin: false,
    })
}

/// Google (AWS's blog on Google Cloud workload identity): the built-in provider
/// `accounts.google.com`; `aud` (filled from the token's `azp`) and `sub` are both the service
/// account's numeric unique id.
pub(super) fn google(service_account_id: &str) -> Result<Spec, GenerateError> {
    digits("--service-account-id", service_account_id)?;
    Ok(Spec {
        issuer: "accounts.google.com".into(),
        audience: service_account_id.to_string(),
        conditions: vec![cond("sub", service_account_id.to_string())],
        description: format!("the Google service account {service_account_id}"),
        builtin: true,
    })
}

/// Cognito identity pools (the Cognito guide's role trust): the built-in provider
/// `cognito-identity.amazonaws.com`, `aud` the pool id (the tenant boundary), and
/// `ForAnyValue:StringLike amr = authenticated`, which keeps guest identities out.
pub(super) fn cognito(identity_pool: &str) -> Result<Spec, GenerateError> {
    let pool_ok = identity_pool.split_once(':').is_some_and(|(region, id)| {
        !region.is_empty()
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && is_uuid(id)
    });
    if !pool_ok {
        return Err(GenerateError::new(
            "--identity-pool",
            format!("`{identity_pool}` is not an identity pool id (`us-east-1:<uuid>`)"),
        ));
    }
    Ok(Spec {
        issuer: "cognito-identity.amazonaws.com".into(),
        audience: identity_pool.to_string(),
        conditions: vec![Cond {
            compare: Compare::AnyValueLike,
            claim: "amr".into(),
            values: vec!["authenticated".into()],
        }],
        description: format!("signed-in identities of pool {identity_pool}"),
        builtin: true,
    })
}
