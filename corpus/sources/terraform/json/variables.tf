# Native-syntax file of the same module as main.tf.json: Terraform reads both as one module.
locals {
  account  = "111122223333"
  github   = "token.actions.githubusercontent.com"
  subjects = ["repo:acme*/app:ref:refs/heads/main"]
}

variable "repo" {
  description = "No default: a placeholder, never a wildcard."
}
