locals {
  a = "${local.b}-x"
  b = "${local.a}-y"
}

resource "aws_iam_role" "cyclic" {
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity", Principal = { Federated = local.a } }]
  })
}
