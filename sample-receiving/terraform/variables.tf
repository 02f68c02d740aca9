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
  description = "Container image of sample-receiving, e.g. us-central1-docker.pkg.dev/PROJECT/REPO/receiving:TAG."
  type        = string

  validation {
    condition     = length(trimspace(var.image)) > 0
    error_message = "image must not be empty."
  }
}

variable "service_name" {
  description = "Cloud Run service name. The app's default audience is https://SERVICE_NAME-PROJECT_NUMBER.REGION.run.app."
  type        = string
  default     = "receiving"

  validation {
    condition     = can(regex("^[a-z]([-a-z0-9]{0,47}[a-z0-9])?$", var.service_name))
    error_message = "service_name must be 1-49 characters: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "service_account_id" {
  description = "Account ID (the part before @) of the service account the service runs as. Defaults to service_name."
  type        = string
  default     = null

  validation {
    condition     = var.service_account_id == null || can(regex("^[a-z]([-a-z0-9]{4,28}[a-z0-9])$", var.service_account_id))
    error_message = "service_account_id must be 6-30 characters: lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "mode" {
  description = <<-EOT
    How the app authenticates callers:
    "trust":  Cloud Run's invoker IAM check is on; Cloud Run verifies the ID token, removes its signature and
              forwards it; the app runs with CLOUDRUN_AUTH_RECEIVING_TRUST_CLOUD_RUN_IAM=true and checks the claims.
    "verify": Cloud Run's invoker IAM check is disabled (invoker_iam_disabled = true); anyone can reach the app,
              which verifies the token's signature itself and admits only CLOUDRUN_AUTH_RECEIVING_ALLOWED_CALLERS.
  EOT
  type        = string
  default     = "trust"

  validation {
    condition     = contains(["trust", "verify"], var.mode)
    error_message = "mode must be \"trust\" or \"verify\"."
  }
}

variable "calling_service_account_email" {
  description = "Email of the service account the calling service runs as (output service_account_email of sample-calling/terraform)."
  type        = string

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+\\.gserviceaccount\\.com$", var.calling_service_account_email))
    error_message = "calling_service_account_email must be a service account email (...@....gserviceaccount.com)."
  }
}

variable "additional_callers" {
  description = "Other service account emails allowed to call the service. Like the calling service account, each gets roles/run.invoker and is put in CLOUDRUN_AUTH_RECEIVING_ALLOWED_CALLERS."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for email in var.additional_callers : can(regex("^[^@\\s]+@[^@\\s]+\\.gserviceaccount\\.com$", email))])
    error_message = "additional_callers must be service account emails."
  }
}

variable "report_readers" {
  description = "Service account emails allowed to GET /reports (SAMPLE_REPORT_READERS). Each must also be an allowed caller: calling_service_account_email or in additional_callers."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for email in var.report_readers : can(regex("^[^@\\s,]+@[^@\\s,]+$", email))])
    error_message = "report_readers must be email addresses."
  }
}

variable "pubsub_push_service_account_email" {
  description = "The Pub/Sub push subscription's --push-auth-service-account (SAMPLE_PUBSUB_PUSH_SERVICE_ACCOUNT): the only caller of POST /events/pubsub. It gets roles/run.invoker, and is no caller of the rest of the service."
  type        = string

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+\\.gserviceaccount\\.com$", var.pubsub_push_service_account_email))
    error_message = "pubsub_push_service_account_email must be a service account email."
  }
}

variable "max_instance_count" {
  description = "Upper bound on instances."
  type        = number
  default     = 3
}
