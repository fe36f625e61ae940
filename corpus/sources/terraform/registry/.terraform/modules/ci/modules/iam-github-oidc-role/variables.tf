variable "create" {
  type    = bool
  default = true
}

variable "name" {
  type    = string
  default = null
}

variable "account_id" {
  type    = string
  default = "111122223333"
}

variable "audience" {
  type    = string
  default = "sts.amazonaws.com"
}

variable "subjects" {
  description = "List of GitHub OIDC subjects that are permitted by the trust policy"
  type        = list(string)
  default     = []
}
