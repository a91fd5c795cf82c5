#!/usr/bin/env bash
# toolchain.sh NAME: print the path of a Terraform CLI the acceptance suite runs on, building it
# first when it is not in the cache. NAME is terraform-1.14.3 or tofu-1.12.6.
#
# Neither can be `go install`ed (their go.mod files have replace directives), so they are built
# from source: Terraform 1.14.3 from the source archive in the shared toolchains folder, OpenTofu
# from its module zip. Binaries go to a cache outside the clone, so that another clone or CI run
# on the same machine reuses them; a lock keeps concurrent runs from building the same one twice.
#
# Exit status: 0 with the path on stdout; 3 when the source is not available here (the reason
# on stderr, so that the caller can say so and run the rest); anything else is a failed build.
set -euo pipefail

name=${1:?usage: toolchain.sh terraform-1.14.3 | tofu-1.12.6}
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${DLI_TOOLCHAIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-dli}

case $name in
terraform-*) tool=terraform ;;
tofu-*) tool=tofu ;;
*) echo "toolchain.sh: unknown toolchain $name" >&2; exit 2 ;;
esac
version=${name#*-}
out=$cache/$name/$tool

# check BIN: the binary runs and reports the version we asked for (on any line: a warning about
# the CLI configuration may come first).
check() { "$1" version 2>/dev/null | grep -qE "^(Terraform|OpenTofu) v${version//./\\.}(-|\$)"; }

if [ -x "$out" ] && check "$out"; then
	echo "$out"
	exit 0
fi

# The folder with the Terraform source archive: $DLI_TOOLCHAINS, then shared/ beside the clone
# (where CI puts it), then the workplace's copy.
archive_dir() {
	local d
	for d in "${DLI_TOOLCHAINS:-}" "$root/../shared/toolchains" /work/shared/toolchains; do
		if [ -n "$d" ] && [ -f "$d/terraform-v$version.tar.gz" ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

if [ "$tool" = terraform ] && ! archive_dir >/dev/null; then
	echo "toolchain.sh: terraform-v$version.tar.gz not found (looked in \$DLI_TOOLCHAINS, $root/../shared/toolchains, /work/shared/toolchains): Terraform $version skipped" >&2
	exit 3
fi

mkdir -p "$cache/$name"
exec 9>"$cache/$name.lock"
flock 9
# Another run may have built it while this one waited for the lock.
if [ -x "$out" ] && check "$out"; then
	echo "$out"
	exit 0
fi

tmp=$(mktemp -d "$cache/$name.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
echo "== building $name into $cache/$name (takes minutes, once per machine)" >&2
case $tool in
terraform)
	tar -xzf "$(archive_dir)/terraform-v$version.tar.gz" -C "$tmp"
	(cd "$tmp/terraform-$version" && go build -trimpath \
		-ldflags "-w -s -X 'github.com/hashicorp/terraform/version.dev=no'" -o "$tmp/$tool" .) >&2
	;;
tofu)
	if ! src=$(cd "$tmp" && go mod download -json "github.com/opentofu/opentofu@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') || [ -z "$src" ]; then
		echo "toolchain.sh: the OpenTofu v$version module could not be downloaded: OpenTofu skipped" >&2
		exit 3
	fi
	# The module cache is read-only, so the build runs there but writes only its output.
	(cd "$src" && go build -trimpath \
		-ldflags "-w -s -X 'github.com/opentofu/opentofu/version.dev=no'" -o "$tmp/$tool" ./cmd/tofu) >&2
	;;
esac
if ! check "$tmp/$tool"; then
	echo "toolchain.sh: the built $tool does not report v$version; it says:" >&2
	"$tmp/$tool" version >&2 || true
	exit 1
fi
mv "$tmp/$tool" "$out"
echo "== built $name in $(( $(date +%s) - start )) s" >&2
echo "$out"
