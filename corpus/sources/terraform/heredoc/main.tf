# Bitbucket Pipelines role as an indented heredoc: no `sub` condition, so every repository
# of the workspace can assume it.
resource "aws_iam_role" "bitbucket" {
  name               = "bitbucket"
  assume_role_policy = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Principal": {
            "Federated": "arn:aws:iam::123456789012:oidc-provider/api.bitbucket.org/2.0/workspaces/bbcitest/pipelines-config/identity/oidc"
          },
          "Action": "sts:AssumeRoleWithWebIdentity",
          "Condition": {
            "StringEquals": {
              "api.bitbucket.org/2.0/workspaces/bbcitest/pipelines-config/identity/oidc:aud": "ari:cloud:bitbucket::workspace/922e118c-f34f-4226-a897-0e0afbec553d"
            }
          }
        }
      ]
    }
  EOF
}

locals {
  owner = "acme"
}

# The GitHub role as a plain heredoc with an interpolated local.
resource "aws_iam_role" "github" {
  name               = "github"
  assume_role_policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
      },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"
        },
        "StringLike": {
          "token.actions.githubusercontent.com:sub": "repo:${local.owner}*/app:ref:refs/heads/main"
        }
      }
    }
  ]
}
EOF
}

# The same GitHub policy as one string literal.
resource "aws_iam_role" "string" {
  name               = "string"
  assume_role_policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":{\"StringEquals\":{\"token.actions.githubusercontent.com:aud\":\"sts.amazonaws.com\"},\"StringLike\":{\"token.actions.githubusercontent.com:sub\":\"repo:acme*/app:ref:refs/heads/main\"}}}]}"
}
