// Package emulator is a local, in-memory implementation of the server side of
// the Huawei Cloud DLI APIs, written from ../shared/reference/dli-batch-api.md
// and dli-more-api.md independently of internal/client (it imports nothing
// from it), so that a misunderstanding of the API in one is caught by the
// other. It is runnable as the dli-emulator command (package cli, binary
// internal/emulator/cmd/dli-emulator) and embeddable in tests:
//
//	clock := emulator.NewManualClock(time.Now())
//	srv, err := emulator.New(emulator.Options{Clock: clock})
//	url, err := srv.Start("127.0.0.1:0") // or httptest.NewServer(srv)
//	defer srv.Close()
//
// # Structure
//
// One gateway (gateway.go, routes.go: the steps below around an
// http.ServeMux of method-and-pattern routes) in front of one service per API
// collection (services.go registers them; batch_*.go is the Spark batch
// collection, sql_*.go the SQL jobs). A service registers its routes, owns its objects, lists its
// jobs on the admin routes and keeps a section of the state file; the
// gateway, the admin routes, paging (paging.go) and persistence (persist.go)
// know no collection.
//
// # Routes
//
// The six batch routes under /v2.0/{project_id}/batches (create, list, get,
// state, log, cancel) and the SQL job routes under /v1.0/{project_id}/jobs
// (see "SQL jobs") with the documented response shapes, times in epoch
// milliseconds. Any other method or path is 404 APIGW.0101 (HEAD included;
// a path with an empty segment matches nothing; an encoded %2F separates
// segments). Every response carries an X-Request-Id header (32 hex digits).
//
// Order of checks for an API request: latency, route (404 APIGW.0101), body
// size (413 APIGW.0201 "Request entity too large", default limit 1 MiB; a
// body not complete within BodyReadTimeout, default 10s, is 400 APIGW.0201
// and its connection is closed), authentication (401 APIGW.0301), injected
// 429/500 faults, the operation, then the after-commit fault. The request
// record is opened on arrival and closed with the answer, whichever step
// gave it.
//
// # Admin routes
//
// Loopback clients only, else 403 APIGW.0302; the Host must name this
// machine (localhost or a loopback IP, any port), else 403 APIGW.0302, so
// that a page in a browser cannot reach them through DNS rebinding; a POST
// must be Content-Type application/json (any parameters), else 415
// APIGW.0201, which a cross-site form or simple request cannot send. No
// auth, no latency, no faults, not recorded. Wrong method: 405, unknown
// path: 404 (APIGW.0101 bodies).
//
//	GET  /_emulator/requests     JSON array, [] when empty, of
//	                             {"method","path","status","error_code"} in
//	                             arrival order; path without the query
//	POST /_emulator/reset        forget every object and the request log,
//	                             re-seed the fault RNG
//	GET  /_emulator/jobs         batch jobs with their current state
//	GET  /_emulator/jobs/{kind}  the jobs of one collection (batch, sql)
//	GET  /_emulator/jobs/all     {"batch":[...],"sql":[...]}
//	GET  /_emulator/faults       {"fault_5xx","fault_429","fault_after_commit"}
//	POST /_emulator/faults       change some of them
//
// # Demo defaults
//
// Project ID 0123456789abcdef0123456789abcdef, AK DEMOACCESSKEY, SK
// demo-secret-key, X-Auth-Token demo-token, queue "default". Durations:
// JobStart 1s (starting→running, also each recovering phase), JobRun 5s
// (each running attempt), CancelDelay 250ms (accepted cancel→dead), Latency 0.
// In Options a zero duration means the default and a negative one means
// zero; the command's flags take plain durations (0 = immediate).
//
// # Authentication (reference §10)
//
// X-Auth-Token is checked first: any configured token is accepted, others get
// "decrypt token fail". Otherwise Authorization must be SDK-HMAC-SHA256: the
// canonical request is rebuilt from the received request and the caller's own
// SignedHeaders (host from r.Host; path segments decoded then re-encoded, with
// a trailing slash; query decoded, sorted and re-encoded; an absent signed
// header contributes no line, as in the SDK signers), the payload hash is
// SHA-256 of the body or X-Sdk-Content-Sha256 (UNSIGNED-PAYLOAD is honoured;
// any other value must equal the body's hash, else 401), x-sdk-date must be
// signed and within ±15 minutes of the emulator clock, and the signature is
// compared in constant time. With Options.SecurityToken set, AK/SK requests
// must carry that X-Security-Token (signed or not; when x-security-token is
// in SignedHeaders the signature covers it). An X-Security-Token sent with
// permanent credentials is ignored. The project in the path, and
// X-Project-Id when sent, must be the configured project. Every failure is
// 401 {"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication
// information: <cause>","request_id":"…"} with causes "x-auth-token not
// found", "decrypt token fail", "Get secretKey failed" (unknown AK), "verify
// aksk signature fail" (mismatch) and longer "verify aksk signature fail, …"
// variants (malformed header, missing/unsigned/stale date, content hash),
// "security token not found, …", "decrypt security token fail" and "the
// project in the request does not belong to the credentials". The job owner
// is derived from the credential: OwnerForAccessKey ("user_demoaccesskey")
// or OwnerForToken ("token_user_" + 8 hex digits).
//
// # Life cycle (reference §8)
//
// States are computed lazily from the Clock, so a ManualClock drives them
// with no goroutines. A job is starting for JobStart, then running for its
// run duration (conf emulator.run_duration, a Go duration, else JobRun),
// then ends in its outcome (conf emulator.outcome, "success" by default, or
// "dead"). A job with auto_recovery=true, outcome dead and max_retry_times >
// 0 fails once, is recovering for JobStart, runs a second attempt and then
// ends dead (one retry, whatever max_retry_times says). appId is "" until the
// job first runs and "application_<ms>_<nnnn>" from then on. A DELETE of a
// starting, running or recovering job answers 200 {"msg":"deleted"}; the
// job's timeline freezes at that instant and it becomes dead CancelDelay
// later (a repeated DELETE in between answers 200 again). Jobs write a Spark
// driver log: a failed attempt logs a
// `Exception in thread "main" org.apache.spark.SparkException: Job aborted
// due to stage failure …` stack, a cancelled job logs "… was killed by user
// request". `log` on job objects is the last 10 lines (the create response
// always has []). update_time is the time of the last state change; duration
// is the running time so far (0 while starting).
//
// # Choices where the reference is UNCONFIRMED
//
//   - Unknown batch ID (valid UUID): 400 DLI.0002 "The batch job <id> does not
//     exist", on get, state, log and cancel (§9.3). ForgetJob simulates
//     expiry.
//   - Non-UUID batch ID: 400 DLI.0001.
//   - DELETE of a success/dead job: 400 DLI.0007 (operation not supported)
//     "The batch job <id> is already finished (state: <state>) and cannot be
//     cancelled" (§7).
//   - Validation failures (missing file, sc_type not A/B/C, memory without a
//     unit ^[0-9]+[mMgG]$, max_retry_times outside 0..100, name over 128
//     characters, feature not basic/ai/custom, image without feature custom
//     or custom without image, negative cores/executors, wrong JSON types,
//     bad emulator.* conf values): 400 DLI.0001. Malformed JSON, a body
//     that is not one JSON object, or an object with a key twice (at any
//     depth, as gateways refuse them; decoders would keep one silently):
//     400 DLI.0001 "The format of message is error: …". Unknown keys are
//     ignored.
//   - Create needs a queue: queue wins over cluster_name when both are set;
//     neither is 400 DLI.0001; a queue that does not exist is 400 DLI.0002
//     "There is no queue named <q>" (checked after the parameter checks).
//   - Legacy snake_case keys (class_name, python_files, driver_memory,
//     driver_cores, executor_memory, executor_cores, num_executors) are
//     accepted; the camelCase key wins when both are sent. The same holds
//     for autoRecovery/auto_recovery and maxRetryTimes/max_retry_times. A
//     null value counts as absent; "" memory counts as absent.
//   - sc_type in responses: CUSTOMIZED when any of driverMemory,
//     executorMemory, driverCores, executorCores or numExecutors is given,
//     else the preset (default A). kind is always "spark"; proxyUser is "".
//     feature defaults to basic, spark_version to 2.3.2, max_retry_times to
//     20. req_body is the submitted JSON, compacted (json.Compact).
//   - Detail (§4) has no duration; list sessions (§3.2) and the create
//     response have one; detail adds feature and spark_version.
//   - List: queue_name wins over cluster_name; job_name (also job-name),
//     job-id (also job_id) and owner match exactly; a queue filter naming no
//     queue gives an empty list; start/end are inclusive bounds on
//     create_time; state must be one of the five states; order defaults to
//     CREATE_TIME_DESC (ties by submission order); from ≥ 0 and size ≥ 1
//     (default 100, no maximum); anything else is 400 DLI.0001. total counts
//     the matches before paging. An empty parameter counts as absent.
//   - Log (§6, Livy serializeLogs): size defaults to 100 (negative = all);
//     from defaults to max(0, total-size); type may only be "driver"; with
//     type or index the log of one attempt (index, default 0) is returned,
//     else the whole log.
//   - Faults: Fault429 answers 429 {"error_code":"APIG.0308","error_msg":"The
//     throttling threshold has been reached: policy user over
//     ratelimit,limit:100,time:1 minute","request_id":…} with Retry-After: 1
//     (the status is a convention, §9.4); Fault5xx answers 500 DLI.0999
//     without doing anything. One RNG draw decides both (429 first).
//     FaultAfterCommit applies to successful POST and DELETE only: after the
//     work, a second draw picks 502 {"error_code":"APIG.0202","error_msg":
//     "Backend unavailable","request_id":…} or a dropped connection (hijack
//     and close; when the ResponseWriter cannot be hijacked, 502). Draws
//     come from math/rand seeded with Seed, under a mutex, so a sequential
//     client sees the same faults for the same seed.
//   - Request log: every API request is recorded, including 404s, auth
//     failures and injected faults, with the status answered; a dropped
//     connection is recorded with status 0 and error_code "". Entries are
//     appended on arrival and completed on answer; the log keeps the last
//     100000 entries.
//   - Auth failures of every kind, including a foreign project, are 401
//     APIGW.0301 (not 403).
//   - The state file (Options.StateFile) is JSON, loaded by New and
//     rewritten atomically (temporary file + rename) 100 ms after a
//     mutation (coalesced) and on Close/Shutdown: {"version":1,"jobs":[…]}
//     with one more section per collection that has objects. It stores each
//     job's fixed timeline, so jobs continue their life cycle after a
//     restart. IDs are lower-cased on load (a job twice is refused); a
//     state file whose directory does not exist is refused by New.
//
// # SQL jobs (dli-more-api.md §2)
//
// POST …/jobs/submit-job, GET …/jobs/{job_id}/status, …/detail, …/preview,
// GET …/jobs (list), DELETE …/jobs/{job_id} (cancel) and POST
// …/jobs/check-sql. Success bodies carry the envelope {"is_success": true,
// "message": ""} with is_success a JSON boolean. The job type comes from the
// statement's first keyword (after comments and opening parentheses):
// SELECT/WITH/VALUES → QUERY, INSERT → INSERT, UPDATE, DELETE, LOAD →
// IMPORT, GRANT/REVOKE → DCL, CREATE/DROP/ALTER/TRUNCATE/SHOW/DESCRIBE/…
// → DDL; another keyword is 400 DLI.0004. DCL is synchronous, DDL too when
// conf holds dli.sql.sqlasync.enabled=false: the submit answer is final
// (job_mode sync) and the status is FINISHED at once. Other jobs are async:
// LAUNCHING for JobStart, RUNNING for SQLRun (default 2s; conf entry
// emulator.run_duration=<Go duration> overrides it), then FINISHED, or
// FAILED with conf emulator.outcome=failed (status message "DLI.0005:
// emulated failure …"). A DELETE of a LAUNCHING or RUNNING job answers the
// envelope; the job keeps its status for CancelDelay, then is CANCELLED.
// Preview: a QUERY whose select list holds only constants (integers,
// decimals, 'strings', TRUE/FALSE, NULL; each optionally AS alias; no FROM)
// answers one row of them, e.g. SELECT 1 AS n, 'x' AS s gives schema
// [{"n":"int"},{"s":"string"}] and rows [[1,"x"]] (an unaliased column is
// named by its text); any other QUERY answers no row. The status's detail is
// that schema as a Spark struct, result_count the row count. user_conf is
// the conf array as JSON text. The list pages with current-page (from 1) and
// page-size (1..100, default 50), answers an empty page past the end with
// job_count the total, and filters on job-type (or ALL), job_types (repeated),
// job-status, job-id, queue_name, sql_pattern (case-insensitive substring),
// tags (k=v,…: the key's value contains v), owner, engine_type, db_name,
// table_name and start/end (inclusive, on start_time); order is
// start_time_desc (default), start_time_asc, duration_desc or duration_asc.
//
// Choices where the reference is UNCONFIRMED (§13): an unknown job ID
// (valid UUID) is 400 DLI.0002 "The job <id> does not exist" on status,
// detail, preview and cancel; a non-UUID is 400 DLI.0001; cancelling a
// FINISHED, FAILED or CANCELLED job is 400 DLI.0007 "… has already finished
// (status: <status>) and cannot be cancelled"; a failed synchronous
// statement answers 200 with is_success false and the message (§1.2); the
// default queue is the first configured one; detail answers its
// import/export keys empty for other jobs; preview of a job that has not
// FINISHED, or of another type than QUERY, is 400 DLI.0001; more than one
// statement is 400 DLI.0001. Validation (400 DLI.0001): sql required;
// currentdb, current_catalog and queue_name match DLI's name rule; conf
// entries are "key=value" (blanks around = allowed); tags follow DLI's key
// and value rules, each key once; engine_type spark or hetuEngine. A queue
// that does not exist is 400 DLI.0002.
//
// # Queues and the jobs on them (dli-more-api.md §4)
//
// Every job service (batch, SQL, Flink create and update) asks the queue
// service before it accepts a job (queues_jobs.go), after its parameter
// checks: the queue must exist (else 400 DLI.0002 "There is no queue named
// <q>", as before for the seeded queues), be ready, and be of a type that
// runs the job. A seeded queue (Options.Queues) is a ready general queue. A
// queue made by POST …/queues is assigning for JobStart; how DLI refuses a
// job on such a queue is UNCONFIRMED (§4.1: "the queue is assigning, which
// is not available" is all that is known), and the emulator answers 400
// DLI.0007 "The queue <q> is assigning resources and is not available yet".
// Spark batch and Flink JAR jobs need a general queue; SQL and Flink SQL
// jobs run on either type. The wrong type is 400 DLI.0007 "The queue <q> is
// a sql queue; this job needs a general queue". Names match
// case-insensitively (DLI lower-cases queue names). A queue with a batch or
// SQL job not yet ended, or a Flink job submitting, running or canceling,
// cannot be deleted.
//
// Tags of queues and pools (dli-more-api.md §9, tags_service.go): GET
// /v3/{project_id}/{dli_queue|dli_elastic_resource_pool}/{resource_id}/tags
// answers {"tags":[{key,value}],"count":n} in the order the keys were
// added; POST …/tags/create and …/tags/delete with {"tags":[…]} answer 204
// with no body. The tags are those of the queue and pool stores (set by
// create, kept by the state file, seen by the list filters). Choices where
// the reference is UNCONFIRMED: resource_id is the object's resource_id
// (UUID) or its name, case-insensitively; create overwrites the value of a
// key the object has; delete goes by key (a value sent is not compared)
// and an absent key is no error. Unknown object: 400 DLI.0002 ("There is no
// queue named <id>", "The elastic resource pool <id> does not exist"; a
// pool being deleted keeps its tags until it is gone). Bodies, and the tags
// of queue and pool creates, follow DLI's tag rules, checked in full before
// anything changes (400 DLI.0001): at least one tag; keys of 1–128 letters,
// digits, spaces and _.:+-@, not starting or ending with a space, not
// starting with _sys_; values up to 255 characters; each key once. No limit
// on the number of tags is applied (none is documented).
//
// # IAM (IAM-NOTES.md)
//
// A minimal IAM on the same gateway, so that every way of signing in works
// offline: GET /v3/projects (iam_06_0001; the served project, named
// Options.ProjectName, default cn-north-4, then Options.ExtraProjects, whose
// names may repeat; filters name, domain_id, parent_id, enabled, is_domain;
// page/per_page; links.next null), POST /v3/auth/tokens (iam_30_0001;
// password method, project scope by name or ID or a domain scope; 201 with
// the token in X-Subject-Token; Keystone error bodies, 401 "The username or
// password is wrong.") and POST /v3.0/OS-CREDENTIAL/securitytokens
// (iam_04_0101; assume_role with agency_name and domain_name or domain_id,
// duration_seconds 900..86400, default 900; 201 {"credential":{"access",
// "expires_at","secret","securitytoken"}}; an unknown agency is 403
// IAM.0002). Projects and security tokens take X-Auth-Token or an
// SDK-HMAC-SHA256 signature (IAM's 401 IAM.0001 otherwise); these routes
// skip the gateway's authentication step and authenticate themselves. The
// account is Options.DomainName/DomainID (demo-domain), the users
// Options.Users (demo-user / demo-password), the agencies Options.Agencies
// (demo-agency), the token lifetime Options.TokenTTL (24h, on the Clock).
// DLI routes accept the tokens and temporary keys IAM issued: a token only
// for its project (a domain-scoped one for none), temporary keys only with
// their own X-Security-Token and for the project of their agency's account.
// Past expiry: 401 APIGW.0301 "… token expires, expires_at: <time>" ("…
// security token expires, …" for keys). Issued credentials are not kept in
// the state file, survive Reset, and are listed without secrets on GET
// /_emulator/jobs/iam. Flags: -project-name, -extra-projects (NAME or
// NAME=ID, comma-separated), -domain-name, -user-name, -password (empty: no
// password sign-in), -agency (NAME or NAME@DOMAIN, comma-separated; empty:
// none), -token-ttl.
//
// # Flink jobs (dli-more-api.md §3)
//
// Routes under /v1.0/{project_id}/streaming: POST sql-jobs and flink-jobs
// (create), PUT sql-jobs/{job_id} and flink-jobs/{job_id} (update), POST
// jobs/run, jobs/stop and jobs/delete (batches, answering a top-level array
// with one {"is_success","message"} per requested ID), DELETE jobs/{job_id},
// GET jobs/{job_id} (detail) and GET jobs (list). Every answer carries
// is_success as the string "true"; errors are DLI bodies {"error_code",
// "error_msg"} with 400. Job IDs are integers from 100 up, never reused (not
// even after a reset). The detail has no tags (as documented); GET
// /v3/{project_id}/dli_flink_job/{job_id}/tags answers {"tags":[{"key",
// "value"}…],"count":n}, and POST …/tags/create and …/tags/delete change
// them with the rules of the queue and pool tags (204). Admin: GET /_emulator/jobs/flink (runs,
// savepoints, tags, runtime_config; never the SQL body);
// Server.FlinkJobs/FlinkJob. The after-commit fault applies to every
// route that changes something, the PUT updates included.
//
// Life cycle: a created job stays job_init until run; a run is job_submitting
// for JobStart, then job_running until stopped. runtime_config scripts it:
// emulator.outcome running (default), failed or finished, and
// emulator.run_duration (Go duration, default JobRun): failed turns
// job_running_exception, finished job_finish, after that running time;
// failed with run_duration 0 is job_submit_fail at the end of submitting.
// Failures carry a status_desc. A stop is job_canceling for CancelDelay,
// then job_cancel_success. start_time is the latest run request (null
// before the first), duration that run's running time, restart_times 0.
//
// Choices where the reference is UNCONFIRMED:
//   - Unknown job: 400 DLI.16001 "The Flink job <id> does not exist", on
//     every route naming one, deleted jobs included; a job_id that is not a
//     positive integer (path or job_ids) is 400 DLI.0001.
//   - Batches are all or nothing: one unknown ID (DLI.16001) or one job in
//     the wrong status (DLI.0007) and nothing changes. Repeated IDs act once
//     and are answered once per entry.
//   - Run: accepted in job_init and every stopped or ended status; refused
//     (400 DLI.0007) while submitting, running or canceling.
//     resume_savepoint restores the latest completed savepoint, if any.
//   - Stop: accepted while submitting or running, and again while canceling
//     (no change); refused (400 DLI.0007) otherwise. trigger_savepoint needs
//     obs_bucket (or a Jar job's checkpoint_path), else 400 DLI.0001; the
//     savepoint obs://<bucket>/jobs/savepoint/<id>/<yyyy-mm-dd_HH-mm-ss>/
//     (stop time, UTC) is taken only from a running job and shows as
//     savepoint_path (has_savepoint true) once the job is stopped.
//   - Update: applied over the job's configuration and validated whole. While
//     submitting, running or canceling only smn_topic,
//     restart_when_exception, resume_checkpoint, resume_max_num,
//     checkpoint_path and obs_bucket may change (a key sent with its current
//     value is no change); anything else is 400 DLI.0007 naming the keys.
//     The SQL route refuses a Jar job and the other way round (DLI.0001).
//   - Delete: any status; the job is gone at once.
//   - Validation (400 DLI.0001): name 1–57 characters, desc ≤ 2048 (the
//     SDK's bound), sql_body ≤ 1 MiB, job_type (SQL: flink_sql_job,
//     flink_opensource_sql_job (default), flink_sql_edge_job; Jar:
//     flink_jar_job), run_mode, cu_number 2–400, 1 ≤ manager_cu_number <
//     cu_number, parallel_number 1–2000 and ≤ 4 × (cu_number −
//     manager_cu_number) (v1 only: v2 checks resource_config instead: cpu ≥
//     0.5, memory ≥ 2GB in MB or GB), checkpoint_mode 1 or 2 (the names
//     exactly_once and at_least_once are accepted too; the detail answers
//     the name), checkpoint_interval ≥ 1, storage (obs_bucket; for Jar jobs
//     or checkpoint_path) when checkpoint_enabled, obs_bucket when
//     log_enabled, resume_max_num -1 or ≥ 1, dirty_data_strategy 0, 1 or
//     2:<path>, tags (keys 1–128 of letters, digits, space and _.:+-@, not
//     _sys_, unique; values ≤ 255), image only with feature custom and
//     required with it. A missing or empty queue_name is the first
//     configured queue; a queue that does not exist is 400 DLI.0002.
//     Messages never quote the SQL body or runtime_config values.
//   - Defaults: SQL run_mode shared_cluster (the documented requirement of
//     flink_sql_job on shared clusters is not enforced), Jar run_mode
//     exclusive_cluster and feature basic, flink_version 1.15, cu_number 2,
//     manager_cu_number 1, parallel_number 1, tm_cus 1, tm_slot_num derived,
//     checkpoint_interval 10, resume_max_num -1, idle_state_retention 3600,
//     dirty_data_strategy "0", resource_config_version v1.
//   - runtime_config is kept and answered as the string sent (a JSON array
//     or object sent unquoted is kept as its compact text); it is read as a
//     JSON array of {key, value}, a JSON object, or key=value lines.
//   - List: name is a case-sensitive substring; queue_name, status,
//     job_type and user_name match exactly; tags is "k1=v1,k2=v2" (a bare key
//     matches any value; every term must match); order asc|desc by job ID
//     (default desc); offset/limit (limit 1–100, default 10) with an empty
//     page past the end and total_count before paging. Entries carry both
//     user_name (documentation) and username (golangsdk), and queue_name;
//     show_detail=true adds the detail's fields. Unset optional strings are
//     null, root_id is -1.
package emulator
