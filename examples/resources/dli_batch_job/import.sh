# A batch job is imported by its ID, the UUID DLI assigned when it was submitted.
terraform import dli_batch_job.etl 0a324461-d9d9-45da-a52a-3b3c7a3d809e
