# Copy to terraform.tfvars (loaded automatically) or pass with -var-file.
project_id = "my-project"
region     = "us-central1"
image      = "us-central1-docker.pkg.dev/my-project/cloudrun-auth/calling:latest"

# Optional: defaults to https://receiving-PROJECT_NUMBER.REGION.run.app (output url of sample-receiving/terraform).
# receiving_service_url = "https://receiving-123456789012.us-central1.run.app"
