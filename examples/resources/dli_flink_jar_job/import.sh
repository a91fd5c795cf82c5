# A Flink job is imported by its ID, the integer DLI assigned when it was created.
terraform import dli_flink_jar_job.clickstream 149
