# A root module calling registry modules before `terraform init`: their files are not on disk,
# so their roles cannot be read. Each call is a note, and the summary says how many; the role
# written here is still linted.
module "ci" {
  source  = "terraform-aws-modules/iam/aws//modules/iam-github-oidc-role"
  version = "5.39.0"

  subjects = ["repo:acme*"]
}

module "shared" {
  source = "git::https://github.com/acme/terraform-modules.git//ci?ref=v1.2.0"
}

# An output of a module not read is a placeholder: never a wildcard.
resource "aws_iam_role" "from_output" {
  name               = "from-output"
  assume_role_policy = module.ci.trust_policy
}

resource "aws_iam_role" "pinned" {
  name = "pinned"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }
      Condition = {
        StringEquals = {
          "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
          "token.actions.githubusercontent.com:sub" = "repo:acme/${module.shared.repo}:ref:refs/heads/main"
        }
      }
    }]
  })
}
