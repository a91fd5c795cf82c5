#!/usr/bin/env bash
# make demo: build the provider, start the emulator on a free loopback port, apply and destroy
# examples/demo with a real Terraform pointed at the local build, show what the emulator saw,
# and leave nothing running.
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
  -queues default,etl -job-start 1s -cancel-delay 500ms >"$work/emulator.log" 2>&1 &
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
run destroy destroy -auto-approve

echo "== what the emulator saw: every cancel and its answer"
grep -E '^DELETE ' "$work/emulator.log" || { echo "no cancel was recorded"; exit 1; }
echo "== requests in all: $(grep -cE '^(GET|POST|DELETE) ' "$work/emulator.log")"
