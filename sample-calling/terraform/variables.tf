variable "project_id" {
  description = "Google Cloud project ID."
  type        = string
}

variable "region" {
  description = "Cloud Run region."
  type        = string
  default     = "us-central1"
}

variable "image" {
  description = "Container image of sample-calling, e.g. us-central1-docker.pkg.dev/PROJECT/REPO/calling:TAG."
  type        = string

  validation {
    condition     = length(trimspace(var.image)) > 0
    error_message = "image must not be empty."
  }
}

variable "service_name" {
  description = "Cloud Run service name."
  type        = string
  default     = "calling"

  validation {
    condition     = can(regex("^[a-z]([-a-z0-9]{0,47}[a-z0-9])?$", var.service_name))
    error_message = "service_name must be 1-49 characters: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "service_account_id" {
  description = "Account ID (the part before @) of the service account the service runs as, and calls the receiving service as. Defaults to service_name."
  type        = string
  default     = null

  validation {
    condition     = var.service_account_id == null || can(regex("^[a-z]([-a-z0-9]{4,28}[a-z0-9])$", var.service_account_id))
    error_message = "service_account_id must be 6-30 characters: lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "receiving_service_url" {
  description = <<-EOT
    URL of the receiving service (RECEIVING_SERVICE_URL); the ID token's audience is derived from it, so use the
    URL the receiving app accepts as audience: https://RECEIVING-PROJECT_NUMBER.REGION.run.app (output url of
    sample-receiving/terraform), not the older ...a.run.app URL. Default: that URL built from
    receiving_service_name, this project's number and region, which lets this module be applied before the
    receiving service exists.
  EOT
  type        = string
  default     = null

  validation {
    condition     = var.receiving_service_url == null || can(regex("^https://[^/?#]+/?$", var.receiving_service_url))
    error_message = "receiving_service_url must be an https URL without path, query or fragment, e.g. https://receiving-123456789012.us-central1.run.app."
  }
}

variable "receiving_service_name" {
  description = "Name of the receiving Cloud Run service (same project and region); used only when receiving_service_url is not set."
  type        = string
  default     = "receiving"
}

variable "disable_invoker_iam_check" {
  description = "Make the service public by disabling Cloud Run's invoker IAM check instead of granting roles/run.invoker to allUsers. Needed where the domain restricted sharing organization policy forbids allUsers."
  type        = bool
  default     = false
}

variable "max_instance_count" {
  description = "Upper bound on instances (the service is public)."
  type        = number
  default     = 3
}
