# aws_iam_policy_document with a dynamic condition expanded from a local list.
locals {
  subjects = ["repo:acme*/app:ref:refs/heads/main"]
}

data "aws_iam_policy_document" "github" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }

    dynamic "condition" {
      for_each = local.subjects
      content {
        test     = "StringLike"
        variable = "token.actions.githubusercontent.com:sub"
        values   = [condition.value]
      }
    }
  }
}

resource "aws_iam_role" "github" {
  name               = "github"
  assume_role_policy = data.aws_iam_policy_document.github.json
}

data "aws_iam_policy_document" "bitbucket" {
  dynamic "statement" {
    for_each = ["bbcitest"]
    iterator = ws
    content {
      effect  = "Allow"
      actions = ["sts:AssumeRoleWithWebIdentity"]
      principals {
        type        = "Federated"
        identifiers = ["arn:aws:iam::123456789012:oidc-provider/api.bitbucket.org/2.0/workspaces/${ws.value}/pipelines-config/identity/oidc"]
      }
      condition {
        test     = "StringEquals"
        variable = "api.bitbucket.org/2.0/workspaces/${ws.value}/pipelines-config/identity/oidc:aud"
        values   = ["ari:cloud:bitbucket::workspace/922e118c-f34f-4226-a897-0e0afbec553d"]
      }
    }
  }
}

resource "aws_iam_role" "bitbucket" {
  name               = "bitbucket"
  assume_role_policy = data.aws_iam_policy_document.bitbucket.json
}
