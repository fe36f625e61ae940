# A small stand-in for terraform-aws-modules/iam/aws//modules/iam-github-oidc-role 5.39.0.
locals {
  provider_url = "token.actions.githubusercontent.com"
}

data "aws_iam_policy_document" "this" {
  count = var.create ? 1 : 0

  statement {
    sid     = "GithubOidcAuth"
    effect  = "Allow"
    actions = ["sts:TagSession", "sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::${var.account_id}:oidc-provider/${local.provider_url}"]
    }

    condition {
      test     = "ForAllValues:StringEquals"
      variable = "${local.provider_url}:aud"
      values   = [var.audience]
    }

    condition {
      test     = "StringLike"
      variable = "${local.provider_url}:sub"
      values   = var.subjects
    }
  }
}

resource "aws_iam_role" "this" {
  count = var.create ? 1 : 0

  name               = var.name
  assume_role_policy = data.aws_iam_policy_document.this[0].json
}
