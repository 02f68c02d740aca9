terraform {
  # Same constraints as sample-receiving/terraform.
  required_version = ">= 1.5.0"

  required_providers {
    google = {
      source = "hashicorp/google"
      # 6.0.0:  deletion_protection on google_cloud_run_v2_service (defaults to true)
      # 6.8.0:  invoker_iam_disabled on google_cloud_run_v2_service
      # 6.12.0: the urls attribute of google_cloud_run_v2_service (used in outputs.tf)
      # 8.x is excluded until tested: a major version may remove or change arguments.
      version = ">= 6.12.0, < 8.0.0"
    }
  }
}
