output "url" {
  description = "URL of the service, and the audience the app accepts: give it to sample-calling as receiving_service_url."
  value       = local.service_url
}

output "urls" {
  description = "All URLs Cloud Run serves the service at."
  value       = google_cloud_run_v2_service.receiving.urls
}

output "service_account_email" {
  description = "Service account the receiving service runs as."
  value       = google_service_account.receiving.email
}

output "mode" {
  description = "Receiving mode: trust (Cloud Run's IAM check on) or verify (the app verifies signatures)."
  value       = var.mode
}

output "allowed_callers" {
  description = "Service accounts granted roles/run.invoker and put in CLOUDRUN_AUTH_RECEIVING_ALLOWED_CALLERS."
  value       = local.callers
}
