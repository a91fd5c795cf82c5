// Package client is the HTTP client layer of terraform-provider-dli: it
// knows HTTP and the Huawei Cloud DLI APIs, and nothing about Terraform (it
// never imports the plugin framework; it logs through terraform-plugin-log).
//
// # Layout
//
// The generic files know no API collection: client.go and config.go (Config,
// Validate, New), call.go (one call: API version, checked and escaped path
// segments, execution, decoding), transport.go (signing, the per-attempt
// deadline), retry.go (what is retried, backoff, Retry-After), envelope.go (the {"is_success","message"} envelope),
// errors.go (APIError, classification marks, generic predicates,
// OutcomeUnknownError), wait.go (the generic poll), redact.go (allow-list
// redaction and scrubbing) and signer.go. Each collection adds its own files,
// e.g. batch_jobs_wire.go (types and wire format), batch_jobs.go (calls, ID
// checks, how its answers say "not found"), batch_create.go and
// batch_wait.go.
//
// # Credentials
//
// A Client is built once by New or SignIn from a Config (see
// Config.Validate). Exactly one base authentication mode is used:
//
//   - AK/SK: every attempt of every request is signed with SDK-HMAC-SHA256
//     (a fresh X-Sdk-Date each time). The signed headers are content-type,
//     host, x-project-id, x-sdk-date and, for temporary credentials,
//     x-security-token; the body hash is part of the signature.
//   - IAM token: X-Auth-Token, no signing.
//   - Password login: a project-scoped token from IAM, used as X-Auth-Token.
//
// AssumeRole then trades the base credentials for an agency's temporary
// keys, which sign every call. Credentials obtained from IAM are renewed
// before they expire, and once when a 401 refuses them (credentials.go).
// SignIn signs in at once and, without a ProjectID, asks IAM for the
// project named after the region (iam.go; wire notes in IAM-NOTES.md).
//
// Every request carries Content-Type: application/json and X-Project-Id.
// Redirects are never followed. Plain http is accepted only to a loopback
// host.
//
// # Retries and deadlines
//
// Requests go through hashicorp/go-retryablehttp. Failures before anything
// was sent (connection refused, DNS, a failed TLS handshake), HTTP 429 and a
// 4xx whose error_code is APIG.0308 are retried for every method;
// 500/502/503/504 and other connection errors only for GET and DELETE.
// Backoff is exponential with jitter from RetryWaitMin, capped at
// RetryWaitMax (30s by default); Retry-After is honoured up to the cap; a
// retry whose wait would pass the context deadline is not attempted. At most
// MaxRetries retries follow the first attempt. Each attempt, reading the
// whole answer included, is bounded by AttemptTimeout (2 minutes by default).
//
// # Submission marker
//
// Creating a job is not idempotent. To tell, after an ambiguous failure (a
// 5xx answer, a dropped connection, a timeout, an unreadable answer),
// whether a job was created, CreateBatchJob adds a unique marker to the
// Spark configuration of every submission:
//
//	conf["spark.terraform.submissionId"] = "<random UUID>"
//
// (SubmissionMarkerConfKey). The key is in the spark.* namespace, so Spark
// accepts it silently and passes it to the application's SparkConf; it is
// outside DLI's own spark.dli.* namespace. The caller's conf map is never
// modified. After an ambiguous failure the client lists the queue's jobs
// newest first (looking back 30 minutes, further than a skewed server clock
// can hide a job) and adopts the job whose req_body carries the marker; only
// if every candidate was checked and none carries it does it submit again
// (with the same marker, at most MaxRetries times). When the lookup cannot
// decide, the error is an *OutcomeUnknownError carrying the marker. When
// jobs are read back (BatchJob.Request.Conf), the marker is removed and
// exposed separately as BatchJob.SubmissionID, so it never shows up as a
// configuration difference.
//
// # Errors
//
// Failure answers are *APIError values carrying the HTTP status, the
// error_code/error_msg (or APIG, {code,message}, Livy {"msg"} and non-JSON
// bodies), the request ID, the operation and its subject. Each collection
// classifies its own answers: IsNotFound and IsAlreadyFinished are
// errors.Is(err, ErrNotFound / ErrAlreadyFinished), true only for answers
// that say so (a bare 404 from a proxy is not "not found"). IsThrottled and
// IsAuthFailed are generic. IDs are validated before any request is built
// (ErrInvalidBatchID, matching ErrInvalidID), and every path segment is
// escaped; "", "." and ".." segments are refused.
//
// # Logging
//
// Each attempt is logged at DEBUG with method, path, status, attempt number,
// duration and request ID. Bodies are logged only at TRACE, showing only the
// values of keys their collection allow-lists (Spark conf values,
// application arguments, SQL statements and unknown keys are masked). The
// Authorization header, tokens, the secret key and the security token are
// never logged; configured secrets, values registered with WithSecrets (a
// create registers its conf values) and signatures are masked in every log
// entry, error text and server message.
package client
