# A Flink job is imported by its ID, the integer DLI assigned when it was created.
terraform import dli_flink_sql_job.orders 148
