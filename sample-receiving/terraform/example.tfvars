# Copy to terraform.tfvars (loaded automatically) or pass with -var-file.
project_id = "my-project"
region     = "us-central1"
image      = "us-central1-docker.pkg.dev/my-project/cloudrun-auth/receiving:latest"
mode       = "trust" # or "verify"

# Output service_account_email of sample-calling/terraform, applied first.
calling_service_account_email = "calling@my-project.iam.gserviceaccount.com"
report_readers                = ["calling@my-project.iam.gserviceaccount.com"]

# The push subscription's --push-auth-service-account (see docs/callers/pubsub-push.md).
pubsub_push_service_account_email = "push@my-project.iam.gserviceaccount.com"
