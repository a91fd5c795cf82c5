// Package client is the HTTP client layer of terraform-provider-dli: it
// knows HTTP and the Huawei Cloud DLI v2.0 batch job API, and nothing about
// Terraform (it never imports the plugin framework; it logs through
// terraform-plugin-log).
//
// # Credentials
//
// A Client is built once by New from a Config. Exactly one authentication
// mode is used:
//
//   - AK/SK: every attempt of every request is signed with SDK-HMAC-SHA256
//     (a fresh X-Sdk-Date each time). The signed headers are content-type,
//     host, x-project-id, x-sdk-date and, for temporary credentials,
//     x-security-token; the body hash is part of the signature.
//   - IAM token: X-Auth-Token, no signing.
//
// Every request carries Content-Type: application/json and X-Project-Id.
// Redirects are never followed.
//
// # Retries
//
// Requests go through hashicorp/go-retryablehttp. Connection failures before
// anything was sent, HTTP 429 and APIG.0308 throttling are retried for every
// method; 500/502/503/504 and other connection errors only for GET and
// DELETE. Backoff is exponential with jitter from RetryWaitMin, capped at
// RetryWaitMax (30s by default); Retry-After is honoured up to the cap; a
// retry whose wait would pass the context deadline is not attempted. At most
// MaxRetries retries follow the first attempt.
//
// # Submission marker
//
// Creating a batch job is not idempotent. To tell, after an ambiguous
// failure (a 5xx answer, a dropped connection, a timeout), whether a job was
// created, CreateBatchJob adds a unique marker to the Spark configuration of
// every submission:
//
//	conf["spark.terraform.submissionId"] = "<random UUID>"
//
// (SubmissionMarkerConfKey). The key is in the spark.* namespace, so Spark
// accepts it silently and passes it to the application's SparkConf; it is
// outside DLI's own spark.dli.* namespace. The caller's conf map is never
// modified. After an ambiguous failure the client lists the queue's jobs
// newest first and adopts the job whose req_body carries the marker; only if
// there is none does it submit again (with the same marker, at most
// MaxRetries times). When jobs are read back (BatchJob.Request.Conf),
// the marker is removed and exposed separately as BatchJob.SubmissionID, so
// it never shows up as a configuration difference.
//
// # Errors
//
// Non-2xx answers are *APIError values carrying the HTTP status, the
// error_code/error_msg (or APIG, {code,message}, Livy {"msg"} and non-JSON
// bodies), the request ID and the operation and batch ID. IsNotFound,
// IsAlreadyFinished, IsThrottled and IsAuthFailed classify them. Batch IDs are
// validated as UUIDs before any request is built (ErrInvalidBatchID), and
// every path segment is escaped.
//
// # Logging
//
// Each attempt is logged at DEBUG with method, path, status, attempt number,
// duration and request ID. Bodies are logged only at TRACE, with Spark conf
// values, application arguments and credential-like fields masked. The
// Authorization header, tokens, the secret key and the security token are
// never logged; configured secrets are additionally masked in every log
// entry made with the request's context.
package client
