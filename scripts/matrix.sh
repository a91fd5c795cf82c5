#!/usr/bin/env bash
# matrix.sh: the acceptance tests (and the module's `terraform test` suite) on every CLI besides
# bin/terraform (1.5.7, which `make test` runs first): the PATH terraform when it is another
# version, Terraform 1.14.3 and OpenTofu 1.12.6. Those two are built by toolchain.sh into a cache
# outside the clone when missing; where their source is not available the run says so and goes
# on with the others. Exits non-zero when a suite fails on any CLI.
#
#   MATRIX="path terraform-1.14.3 tofu-1.12.6"   the CLIs to run (default: all three)
#   TESTRUN='TestAcc|TestModule'                 the go test -run pattern
set -uo pipefail
cd "$(dirname "$0")/.."

baseline=${BASELINE_TERRAFORM:-$PWD/bin/terraform}
run=${TESTRUN:-TestAcc|TestModule}
version_of() { "$1" version 2>/dev/null | grep -m1 -E '^(Terraform|OpenTofu) v'; }

# A CLI configuration variable that names no file makes every CLI warn on stdout, where
# plugin-testing looks for the version (OpenTofu then fails every test).
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -f "$TF_CLI_CONFIG_FILE" ]; then
	echo "== TF_CLI_CONFIG_FILE=$TF_CLI_CONFIG_FILE names no file: unset for the tests"
	unset TF_CLI_CONFIG_FILE
fi

failed=() skipped=() summary=()
seen=("$(version_of "$baseline")")

# suite NAME BIN [ENV...]: run the suite on BIN unless a CLI of the same version already ran.
suite() {
	local name=$1 bin=$2 v s
	shift 2
	v=$(version_of "$bin")
	for s in "${seen[@]}"; do
		if [ "$s" = "$v" ]; then
			echo "== $name ($v) already ran: skipped"
			return 0
		fi
	done
	seen+=("$v")
	echo "== acceptance tests on $v ($bin)"
	local start=$(date +%s)
	if env TF_ACC=1 TF_ACC_TERRAFORM_PATH="$bin" DLI_TFTEST_TERRAFORM="$bin" "$@" \
		go test -count=1 -timeout 30m -run "$run" ./...; then
		summary+=("$v: passed in $(( $(date +%s) - start )) s")
	else
		summary+=("$v: FAILED after $(( $(date +%s) - start )) s")
		failed+=("$v")
	fi
}

for cli in ${MATRIX:-path terraform-1.14.3 tofu-1.12.6}; do
	case $cli in
	path)
		if bin=$(command -v terraform) && [ "$bin" != "$baseline" ]; then
			suite "PATH terraform" "$bin"
		else
			echo "== no terraform on PATH besides $baseline"
		fi
		;;
	terraform-*)
		if bin=$(./scripts/toolchain.sh "$cli"); then
			suite "$cli" "$bin"
		elif [ $? -eq 3 ]; then
			skipped+=("$cli (no source here)")
		else
			failed+=("$cli (build failed)")
		fi
		;;
	tofu-*)
		# plugin-testing looks the provider up under the registry the CLI uses by default.
		if bin=$(./scripts/toolchain.sh "$cli"); then
			suite "$cli" "$bin" TF_ACC_PROVIDER_HOST=registry.opentofu.org TF_ACC_PROVIDER_NAMESPACE=hashicorp
		elif [ $? -eq 3 ]; then
			skipped+=("$cli (no source here)")
		else
			failed+=("$cli (build failed)")
		fi
		;;
	*)
		echo "matrix.sh: unknown CLI $cli" >&2
		failed+=("$cli")
		;;
	esac
done

echo "== test matrix"
for s in "${summary[@]}"; do echo "   $s"; done
for s in "${skipped[@]}"; do echo "   $s: skipped"; done
if [ ${#failed[@]} -gt 0 ]; then
	echo "== failed on: ${failed[*]}"
	exit 1
fi
