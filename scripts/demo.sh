#!/usr/bin/env bash
# make demo: build the provider, start the emulator on a free loopback port, apply and destroy
# examples/demo (Spark batch jobs, SQL statements, a Flink streaming job) with a real Terraform
# pointed at the local build, show what the emulator saw, and leave nothing running.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=$root/bin
terraform=$bin/terraform
[ -x "$terraform" ] || make --no-print-directory bin/terraform

work=$(mktemp -d)
emulator_pid=""
cleanup() {
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

echo "== building the provider and the emulator"
go build -o "$bin/terraform-provider-dli" .
go build -o "$bin/dli-emulator" ./internal/emulator/cmd/dli-emulator

project=0123456789abcdef0123456789abcdef
ak=DEMOACCESSKEY
sk=demo-secret-key
"$bin/dli-emulator" -listen 127.0.0.1:0 -project-id "$project" -access-key "$ak" -secret-key "$sk" \
  -queues default,etl -job-start 1s -sql-run 1s -cancel-delay 500ms >"$work/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 100); do
  url=$(sed -n '1s/^listening on //p' "$work/emulator.log")
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "${url:-}" ] || { echo "emulator did not start:"; cat "$work/emulator.log"; exit 1; }
echo "== emulator listening on $url"

cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "dli-tf/dli" = "$bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE=$work/terraformrc CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export HW_DLI_ENDPOINT=$url HW_PROJECT_ID=$project HW_ACCESS_KEY=$ak HW_SECRET_KEY=$sk
cp "$root/examples/demo/main.tf" "$work/"
cd "$work"

# run NAME ARGS...: run terraform, keep its output in NAME.log, show it without the dev_overrides
# banner, and stop the demo if it fails.
run() {
  local name=$1
  shift
  if ! "$terraform" "$@" -no-color >"$work/$name.log" 2>&1; then
    cat "$work/$name.log"
    echo "terraform $name failed"
    exit 1
  fi
  if [ "$name" = output ]; then
    cat "$work/$name.log"
  else
    # progress lines only; the full plan is in $work/$name.log
    grep -E 'Creating|Creation complete|Still creating|Destroying|Destruction complete|Apply complete|Destroy complete|Reading|Read complete' "$work/$name.log" || true
  fi
}

echo "== terraform apply"
run apply apply -auto-approve
echo "== terraform output"
run output output
echo "== terraform destroy"
log=$work/emulator.log
before=$(wc -l <"$log")
run destroy destroy -auto-approve

# The access log has one line per API request: "METHOD PATH STATUS", plus the body of DELETEs.
# Destroy's requests, resource by resource (the IDs from destroy's progress lines).
tail -n +"$((before + 1))" "$log" >"$work/destroy-requests.log"
echo "== what the emulator saw during destroy, resource by resource (its refresh read first)"
sed -n 's/^\(dli_[a-z_]*\.[a-z_]*\): Destroying\.\.\. \[id=\([^]]*\)\]$/\1 \2/p' "$work/destroy.log" | sort |
  while read -r addr id; do
    pattern="/$id(/[a-z]+)? "
    # A Flink stop names its jobs in the body, not the path.
    [[ $addr == dli_flink_* ]] && pattern="($pattern|/streaming/jobs/stop )"
    echo "-- $addr"
    grep -E "$pattern" "$work/destroy-requests.log" |
      sed -e 's/^/   /' -e 's#/preview 200$#/preview 200  (the dli_sql_job_result data source)#' || echo "   (no request)"
  done
# What the demo is about must have happened: the running statement cancelled, the streaming job
# stopped and then deleted.
for what in 'DELETE /v1\.0/[^/]+/jobs/' 'POST /v1\.0/[^/]+/streaming/jobs/stop ' 'DELETE /v1\.0/[^/]+/streaming/jobs/'; do
  grep -qE "^$what" "$work/destroy-requests.log" || { echo "destroy sent no $what"; exit 1; }
done

# Nothing may be left running: ask the emulator's admin route for every job it holds.
if command -v curl >/dev/null; then
  jobs=$(curl -fsS "$url/_emulator/jobs/all")
  active='"(state|status)":"(starting|running|recovering|LAUNCHING|RUNNING|job_init|job_submitting|job_running|job_canceling|job_savepointing|job_recovering)"'
  if grep -qE "$active" <<<"$jobs"; then
    echo "== a job is still active after destroy:"
    echo "$jobs"
    exit 1
  fi
  echo "== after destroy: no job is active on the emulator"
fi
echo "== requests in all: $(grep -cE '^(GET|POST|PUT|DELETE) ' "$log")"
