# Inline suppressions: comment lines directly above an aws_iam_role block,
# `# rolecall:ignore <rule-id> -- <reason>` (the reason is required).
locals {
  github = "token.actions.githubusercontent.com"
}

# rolecall:ignore mutable-subject-name -- the acme organisation's names never change
resource "aws_iam_role" "pinned" {
  name = "pinned"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/${local.github}" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "${local.github}:aud" = "sts.amazonaws.com"
          "${local.github}:sub" = "repo:acme/app:ref:refs/heads/main"
        }
      }
    }]
  })
}

# rolecall:ignore mutable-subject-name
resource "aws_iam_role" "unreasoned" {
  name = "unreasoned"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/${local.github}" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "${local.github}:aud" = "sts.amazonaws.com"
          "${local.github}:sub" = "repo:acme/app:ref:refs/heads/main"
        }
      }
    }]
  })
}
