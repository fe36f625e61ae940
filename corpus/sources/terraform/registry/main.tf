# A root module calling a registry module: after `terraform init`, its files are in
# .terraform/modules (see modules.json) and its role is read with these arguments.
module "ci" {
  source  = "terraform-aws-modules/iam/aws//modules/iam-github-oidc-role"
  version = "5.39.0"

  name     = "deploy"
  subjects = ["repo:acme*"]
}
