# Signed requests with an access key pair. Every argument can come from the environment instead
# (HW_REGION_NAME, HW_PROJECT_ID, HW_ACCESS_KEY, HW_SECRET_KEY, ...), so the block may be empty.
provider "dli" {
  region     = "cn-north-4"
  project_id = var.project_id
  access_key = var.access_key
  secret_key = var.secret_key
}

# Temporary credentials add the security token:
#   security_token = var.security_token
#
# An IAM token replaces the key pair:
#   auth_token = var.auth_token
#
# The local emulator (make emulator) listens on loopback, where plain http is accepted:
#   endpoint = "http://127.0.0.1:8787"

variable "project_id" {
  type = string
}

variable "access_key" {
  type = string
}

variable "secret_key" {
  type      = string
  sensitive = true
}
