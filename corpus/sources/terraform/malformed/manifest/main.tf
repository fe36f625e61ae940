# A root module whose .terraform/modules/modules.json is broken: a located error there, and
# the call is a note; the rest of the run continues.
module "ci" {
  source   = "terraform-aws-modules/iam/aws//modules/iam-github-oidc-role"
  version  = "5.39.0"
  subjects = ["repo:acme*"]
}
