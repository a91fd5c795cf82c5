# A SQL job is imported by its ID, the UUID DLI assigned when the statement was submitted.
terraform import dli_sql_job.load 8ecb0777-9c70-4529-9935-29ea0946039c
