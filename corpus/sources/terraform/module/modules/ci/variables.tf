variable "subject" {
  type    = string
  default = "repo:acme/app:ref:refs/heads/main"
}

variable "account" {
  type    = string
  default = "111122223333"
}
