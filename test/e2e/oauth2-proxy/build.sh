#!/usr/bin/env bash
# Builds the real oauth2-proxy used by the e2e suite from the Go module proxy.
#
# Output: $KMS_CACHE_DIR/oauth2-proxy/<version>/oauth2-proxy (KMS_CACHE_DIR defaults to
#         <repo>/.cache), with <version>/stamp recording the version and Go toolchain.
# Pin:    charts/oauth2-proxy-release.json ("version", "goModule"): the same file gives the
#         Playground sidecar its image tag, so the e2e runs the release that dist/ deploys.
# Override (see docs/e2e.md):
#   KMS_OAUTH2_PROXY_VERSION=v7.8.1   build another release (e.g. to show an old one failing)
#   KMS_GO_BUILD_P=1                  go build -p (parallel compile jobs)
# The build is skipped when the stamp matches. Prints "[e2e-oauth2-proxy] build: Ns -> <path>"
# and, last, the binary's path on its own line (for callers).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
cache=${KMS_CACHE_DIR:-$root/.cache}
release="$root/charts/oauth2-proxy-release.json"

field() { node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));const v=r[process.argv[2]];if(typeof v!=="string"||!v)process.exit(1);console.log(v)' "$release" "$1"; }
module=$(field goModule) || { echo "[e2e-oauth2-proxy] $release: no \"goModule\"" >&2; exit 2; }
pinned=$(field version) || { echo "[e2e-oauth2-proxy] $release: no \"version\"" >&2; exit 2; }
version=${KMS_OAUTH2_PROXY_VERSION:-$pinned}
if [[ ! $version =~ ^v7\.[0-9]+\.[0-9]+$ ]]; then
  echo "[e2e-oauth2-proxy] version must look like v7.15.6 (module $module), got '$version'" >&2; exit 2
fi

out="$cache/oauth2-proxy/$version"
bin="$out/oauth2-proxy"
# "build=1": bump when the build flags change, so cached binaries are rebuilt.
stamp_want="build=1 $module@$version $(go env GOVERSION) $(go env GOOS)/$(go env GOARCH)"
if [[ -x $bin && -f $out/stamp && "$(cat "$out/stamp")" == "$stamp_want" ]]; then
  echo "[e2e-oauth2-proxy] cached binary matches ($stamp_want): build skipped" >&2
  echo "$bin"
  exit 0
fi

t0=$SECONDS
mkdir -p "$out"
rm -f "$out/stamp"
# The release's --version: the variable moved from package main to pkg/version over the v7
# line; -X on a symbol that does not exist is ignored, so both are set.
ldflags="-s -w -X main.VERSION=$version -X $module/pkg/version.VERSION=$version"
build_flags=(-trimpath "-ldflags=$ldflags")
if [[ -n ${KMS_GO_BUILD_P:-} ]]; then build_flags+=(-p "$KMS_GO_BUILD_P"); fi
# go install of the module at a version runs in module mode outside any go.mod: the module's
# own go.mod and go.sum decide every dependency (checked against the checksum database).
GOBIN="$out" GOFLAGS=-buildvcs=false CGO_ENABLED=0 nice -n 10 go install "${build_flags[@]}" "$module@$version"
"$bin" --version >&2
echo "$stamp_want" > "$out/stamp"
echo "[e2e-oauth2-proxy] build: $((SECONDS - t0))s -> $bin" >&2
echo "$bin"
