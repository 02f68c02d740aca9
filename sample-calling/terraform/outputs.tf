output "url" {
  description = "URL of the calling service."
  value       = local.service_url
}

output "urls" {
  description = "All URLs Cloud Run serves the service at."
  value       = google_cloud_run_v2_service.calling.urls
}

output "service_account_email" {
  description = "Service account the calling service runs as: give it to sample-receiving as calling_service_account_email."
  value       = google_service_account.calling.email
}

output "receiving_service_url" {
  description = "RECEIVING_SERVICE_URL as set on the service."
  value       = local.receiving_service_url
}
