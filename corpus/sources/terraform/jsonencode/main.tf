# GitHub Actions role written with jsonencode: the owner wildcard `repo:acme*` lets any
# look-alike owner (`acme-lookalike`) assume the role.
locals {
  account = "111122223333"
  github  = "token.actions.githubusercontent.com"
}

variable "repo" {
  description = "No default: a placeholder, never a wildcard."
}

resource "aws_iam_role" "deploy" {
  name = "deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Federated = "arn:aws:iam::${local.account}:oidc-provider/${local.github}" }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
          }
          StringLike = {
            "token.actions.githubusercontent.com:sub" = "repo:acme*/app:ref:refs/heads/main"
          }
        }
      }
    ]
  })
}

resource "aws_iam_role" "pinned" {
  name = "pinned"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
            "token.actions.githubusercontent.com:sub" = "repo:acme/${var.repo}:ref:refs/heads/main"
          }
        }
      }
    ]
  })
}
