# A root module calling a local module: the module's role is read with these arguments.
module "ci" {
  source  = "./modules/ci"
  subject = "repo:acme*/app:ref:refs/heads/main"
}

module "shared" {
  source  = "terraform-aws-modules/iam/aws"
  version = "5.0.0"
}
