# sample-calling on Cloud Run: a public service that calls the receiving service with an ID token minted by the
# metadata server for its own service account.
#
# Apply order with sample-receiving/terraform:
#   1. this module. It needs nothing from the receiving module: the receiving URL,
#      https://RECEIVING-PROJECT_NUMBER.REGION.run.app, is known before that service exists (calls fail until it does).
#   2. sample-receiving/terraform with calling_service_account_email = the service_account_email output of this one,
#      which grants that account roles/run.invoker on the receiving service (so the account must exist first).
# No -target, placeholder URL or second apply is needed.

provider "google" {
  project = var.project_id
  region  = var.region
}

data "google_project" "this" {
  project_id = var.project_id
}

locals {
  service_account_id = coalesce(var.service_account_id, var.service_name)
  service_url        = "https://${var.service_name}-${data.google_project.this.number}.${var.region}.run.app"
  receiving_service_url = coalesce(
    var.receiving_service_url,
    "https://${var.receiving_service_name}-${data.google_project.this.number}.${var.region}.run.app",
  )
}

# The identity the receiving service sees (the email claim of the ID tokens). It needs no project roles: minting an
# ID token for itself through the metadata server requires none.
resource "google_service_account" "calling" {
  account_id   = local.service_account_id
  display_name = "${var.service_name} (Cloud Run)"
  description  = "Runtime identity of the ${var.service_name} Cloud Run service; calls the receiving service as this account. Needs no project roles."
}

resource "google_cloud_run_v2_service" "calling" {
  name     = var.service_name
  location = var.region
  ingress  = "INGRESS_TRAFFIC_ALL"

  invoker_iam_disabled = var.disable_invoker_iam_check

  # Since provider 6.0 this defaults to true, which makes terraform destroy, and any change that replaces the
  # service, fail. A sample should be disposable; set true for services you keep.
  deletion_protection = false

  template {
    service_account = google_service_account.calling.email

    scaling {
      max_instance_count = var.max_instance_count
    }

    containers {
      image = var.image

      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
        startup_cpu_boost = true
      }

      env {
        name  = "RECEIVING_SERVICE_URL"
        value = local.receiving_service_url
      }
    }
  }
}

# Public, like the calling service of Google's "Authenticating service-to-service" tutorial.
resource "google_cloud_run_v2_service_iam_member" "public" {
  count = var.disable_invoker_iam_check ? 0 : 1

  project  = google_cloud_run_v2_service.calling.project
  location = google_cloud_run_v2_service.calling.location
  name     = google_cloud_run_v2_service.calling.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
