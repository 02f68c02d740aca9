# sample-receiving on Cloud Run: a private service that only the calling service (and additional_callers) may call.
#
# Apply order with sample-calling/terraform: apply sample-calling first, then this module with
# calling_service_account_email = the calling module's service_account_email output. The calling module needs no
# output of this one: it derives this service's URL, https://SERVICE_NAME-PROJECT_NUMBER.REGION.run.app, which is
# known before the service exists. (The IAM binding below needs the calling service account to exist, which is why
# calling goes first.)

provider "google" {
  project = var.project_id
  region  = var.region
}

data "google_project" "this" {
  project_id = var.project_id
}

locals {
  trust_mode         = var.mode == "trust"
  service_account_id = coalesce(var.service_account_id, var.service_name)

  # The URL callers use, and the audience the app accepts by default: on Cloud Run the app derives it from K_SERVICE
  # and the metadata server. Cloud Run also serves the older https://SERVICE-HASH-REGION.a.run.app URL (the uri
  # attribute); a token minted for that URL passes Cloud Run's IAM check but is rejected by the app, whose audience
  # is this one.
  service_url = "https://${var.service_name}-${data.google_project.this.number}.${var.region}.run.app"

  callers = distinct(concat([var.calling_service_account_email], var.additional_callers))

  # Empty values are left out: the app's defaults for unset variables are the same.
  env = { for name, value in {
    # true only behind Cloud Run's IAM check, which removes the token's signature after verifying it.
    CLOUDRUN_AUTH_RECEIVING_TRUST_CLOUD_RUN_IAM = tostring(local.trust_mode)
    # Set in both modes. In verify mode it is required (the app refuses to start without it): it is the only
    # restriction, and any Google account can mint an ID token for any audience. In trust mode roles/run.invoker
    # already restricts callers, but project Owners and Editors (including the default compute service account) can
    # invoke every service in the project; this narrows it to the callers.
    CLOUDRUN_AUTH_RECEIVING_ALLOWED_CALLERS = join(",", local.callers)
    SAMPLE_REPORT_READERS                   = join(",", var.report_readers)
    SAMPLE_PUBSUB_PUSH_SERVICE_ACCOUNT      = var.pubsub_push_service_account_email
  } : name => value if value != "" }
}

# The service's own identity. It needs no project roles: the app reads its own metadata, Google's public signing keys
# and, in trust mode, its own service (see reads_itself below). (Cloud Run's service agent pulls the image, not this
# account.)
resource "google_service_account" "receiving" {
  account_id   = local.service_account_id
  display_name = "${var.service_name} (Cloud Run)"
  description  = "Runtime identity of the ${var.service_name} Cloud Run service. Needs no project roles."
}

resource "google_cloud_run_v2_service" "receiving" {
  name     = var.service_name
  location = var.region
  ingress  = "INGRESS_TRAFFIC_ALL"

  # trust: Cloud Run checks roles/run.invoker and verifies the token before the app sees the request.
  # verify: requests reach the app unchecked and with the token's signature intact.
  invoker_iam_disabled = !local.trust_mode

  # Since provider 6.0 this defaults to true, which makes terraform destroy, and any change that replaces the
  # service, fail. A sample should be disposable; set true for services you keep. It guards against Terraform only,
  # not deletion with gcloud or the console.
  deletion_protection = false

  template {
    service_account = google_service_account.receiving.email

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

      dynamic "env" {
        for_each = local.env
        content {
          name  = env.key
          value = env.value
        }
      }
    }
  }

  lifecycle {
    precondition {
      condition     = length("${var.service_name}-${data.google_project.this.number}") <= 63
      error_message = "SERVICE_NAME-PROJECT_NUMBER is longer than 63 characters, so Cloud Run gives the service no https://SERVICE_NAME-PROJECT_NUMBER.REGION.run.app URL, which the app expects as its audience. Use a shorter service_name."
    }
  }
}

# Who may call. In trust mode this binding is what lets the calling service through: without it Cloud Run answers
# 403 before the request reaches the app. In verify mode Cloud Run does not check it; it is kept so that switching
# back to trust mode needs no other change.
resource "google_cloud_run_v2_service_iam_member" "invoker" {
  for_each = toset(concat(local.callers, [var.pubsub_push_service_account_email]))

  project  = google_cloud_run_v2_service.receiving.project
  location = google_cloud_run_v2_service.receiving.location
  name     = google_cloud_run_v2_service.receiving.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${each.value}"
}

# In trust mode the app reads its own service from the Cloud Run Admin API, in the background, to confirm that the
# invoker IAM check it relies on is on (it refuses tokens with removed signatures if the check is found off). That
# needs run.services.get on this one service; without it the app logs one warning and trusts as configured.
resource "google_cloud_run_v2_service_iam_member" "reads_itself" {
  count = local.trust_mode ? 1 : 0

  project  = google_cloud_run_v2_service.receiving.project
  location = google_cloud_run_v2_service.receiving.location
  name     = google_cloud_run_v2_service.receiving.name
  role     = "roles/run.viewer"
  member   = "serviceAccount:${google_service_account.receiving.email}"
}

check "service_url_is_served" {
  assert {
    condition     = contains(google_cloud_run_v2_service.receiving.urls, local.service_url)
    error_message = "Cloud Run does not list ${local.service_url} among the service's URLs; callers using another URL need it in CLOUDRUN_AUTH_RECEIVING_AUDIENCES."
  }
}

check "report_readers_can_call" {
  assert {
    condition     = length(setsubtract([for email in var.report_readers : lower(email)], [for email in local.callers : lower(email)])) == 0
    error_message = "Some report_readers are not allowed callers (calling_service_account_email or additional_callers), so they are refused before reaching /reports."
  }
}
