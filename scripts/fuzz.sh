#!/usr/bin/env bash
# Runs every fuzz target of the repository, one after the other, each for FUZZTIME (default 30s).
# Seed corpora live in f.Add calls and in testdata/fuzz/<FuzzName>/ next to each test file, so
# plain `go test` (and `make test`) replays them; a crasher found here is written to that
# directory by `go test -fuzz`: commit it with the fix, and it becomes a regression test.
#
#   make fuzz                     # 30s per target
#   FUZZTIME=5m make fuzz         # longer
#   FUZZTIME=1000x ./scripts/fuzz.sh internal/emulator   # only the targets of one package
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZTIME="${FUZZTIME:-30s}"
packages=("$@")
if [ ${#packages[@]} -eq 0 ]; then
	packages=(internal/client internal/emulator internal/provider)
fi

failed=()
for pkg in "${packages[@]}"; do
	# Every "func FuzzXxx(f *testing.F)" of the package's test files.
	targets=$( (grep -ho '^func Fuzz[A-Za-z0-9_]*(f \*testing\.F)' "$pkg"/*_test.go || true) | sed 's/^func \(Fuzz[A-Za-z0-9_]*\).*/\1/' | sort -u)
	for target in $targets; do
		echo "== $pkg $target ($FUZZTIME)"
		if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" "./$pkg"; then
			failed+=("$pkg $target")
		fi
	done
done

if [ ${#failed[@]} -gt 0 ]; then
	echo "== failing targets (inputs saved under testdata/fuzz/):"
	printf '   %s\n' "${failed[@]}"
	exit 1
fi
echo "== every target ran for $FUZZTIME without a failure"
