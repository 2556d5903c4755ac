#!/usr/bin/env bash
# Builds the real etcd and kube-apiserver used by the e2e harness from the Go module proxy.
#
# Output: $KMS_CACHE_DIR/kube/bin/{etcd,kube-apiserver,kube-controller-manager}
#         (KMS_CACHE_DIR defaults to <repo>/.cache). kube-controller-manager runs only the
#         controllers the harness needs (ClusterRole aggregation for the built-in `edit`/`view`
#         roles, default ServiceAccounts, namespace deletion).
# Pins:   test/e2e/kube/apiserver/go.mod (k8s.io/kubernetes vX.Y.Z, staging modules -> v0.Y.Z)
#         test/e2e/kube/etcd/go.mod      (go.etcd.io/etcd/server/v3)
# Overrides (see docs/e2e.md):
#   KMS_KUBE_VERSION=v1.34.3   build another k8s.io/kubernetes release (staging -> v0.34.3)
#   KMS_ETCD_VERSION=v3.6.5    build another etcd server release
#   KMS_GO_BUILD_P=1           go build -p (parallel compile jobs; default: Go's default)
# The build is skipped when bin/stamp records the same versions and Go toolchain.
# Prints one line per phase: "[e2e-kube] download: Ns", "[e2e-kube] build: Ns".
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
cache=${KMS_CACHE_DIR:-$root/.cache}
out="$cache/kube"
bin="$out/bin"

pinned() { # pinned <go.mod> <module>: the version the committed go.mod requires
  awk -v m="$2" '$1 == "require" && $2 == m { print $3 } $1 == m && NF == 2 { print $2 }' "$1" | head -n1
}
kube_pinned=$(pinned "$here/apiserver/go.mod" k8s.io/kubernetes)
etcd_pinned=$(pinned "$here/etcd/go.mod" go.etcd.io/etcd/server/v3)
kube_version=${KMS_KUBE_VERSION:-$kube_pinned}
etcd_version=${KMS_ETCD_VERSION:-$etcd_pinned}
if [[ ! $kube_version =~ ^v1\.([0-9]+)\.([0-9]+)$ ]]; then
  echo "[e2e-kube] KMS_KUBE_VERSION must look like v1.34.4, got '$kube_version'" >&2; exit 2
fi
kube_minor=${BASH_REMATCH[1]}
staging_version="v0.${kube_minor}.${BASH_REMATCH[2]}"

# "build=2": bump when the build flags change, so cached binaries are rebuilt.
stamp_want="build=2 kube-apiserver=$kube_version kube-controller-manager=$kube_version etcd=$etcd_version $(go env GOVERSION) $(go env GOOS)/$(go env GOARCH)"
if [[ -x $bin/etcd && -x $bin/kube-apiserver && -x $bin/kube-controller-manager && -f $bin/stamp && "$(cat "$bin/stamp")" == "$stamp_want" ]]; then
  echo "[e2e-kube] cached binaries match ($stamp_want): build skipped"
  exit 0
fi

export GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0
build_flags=(-trimpath "-ldflags=-s -w")
# Version stamping as Kubernetes' own build does (hack/lib/version.sh), so /version and the
# binaries' --version report the release instead of v0.0.0-master.
kube_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kube_ldflags+=" -X $pkg.gitVersion=$kube_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$kube_minor -X $pkg.gitTreeState=clean"
done
kube_build_flags=(-trimpath "-ldflags=$kube_ldflags")
if [[ -n ${KMS_GO_BUILD_P:-} ]]; then build_flags+=(-p "$KMS_GO_BUILD_P"); kube_build_flags+=(-p "$KMS_GO_BUILD_P"); fi

# Work on copies so that the committed pins stay untouched by `go build -mod=mod`.
prepare() { # prepare <name>: copy go.mod/go.sum of test/e2e/kube/<name> to $out/src/<name>
  local dir="$out/src/$1"
  mkdir -p "$dir"
  cp "$here/$1/go.mod" "$dir/go.mod"
  if [[ -f $here/$1/go.sum ]]; then cp "$here/$1/go.sum" "$dir/go.sum"; else rm -f "$dir/go.sum"; fi
}
prepare apiserver
prepare etcd
if [[ $kube_version != "$kube_pinned" ]]; then
  (cd "$out/src/apiserver"
   go mod edit -require="k8s.io/kubernetes@$kube_version"
   # Rewrite every staging replace (and only those) to the matching published version.
   go mod edit -json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const r of JSON.parse(s).Replace??[])console.log(r.Old.Path)})' |
     while read -r m; do go mod edit -replace="$m=$m@$staging_version"; done)
fi
if [[ $etcd_version != "$etcd_pinned" ]]; then
  (cd "$out/src/etcd" && go mod edit -require="go.etcd.io/etcd/server/v3@$etcd_version")
fi

t0=$SECONDS
(cd "$out/src/etcd" && nice -n 10 go list -deps go.etcd.io/etcd/server/v3 >/dev/null)
(cd "$out/src/apiserver" && nice -n 10 go list -deps k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager >/dev/null)
echo "[e2e-kube] download: $((SECONDS - t0))s (modules for kube-apiserver $kube_version, etcd $etcd_version)"

t0=$SECONDS
mkdir -p "$bin"
rm -f "$bin/stamp"
(cd "$out/src/etcd" && nice -n 10 go build "${build_flags[@]}" -o "$bin/etcd" go.etcd.io/etcd/server/v3)
echo "[e2e-kube] build etcd: $((SECONDS - t0))s"
t1=$SECONDS
(cd "$out/src/apiserver" && nice -n 10 go build "${kube_build_flags[@]}" -o "$bin/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver)
echo "[e2e-kube] build kube-apiserver: $((SECONDS - t1))s"
t1=$SECONDS
(cd "$out/src/apiserver" && nice -n 10 go build "${kube_build_flags[@]}" -o "$bin/kube-controller-manager" k8s.io/kubernetes/cmd/kube-controller-manager)
echo "[e2e-kube] build kube-controller-manager: $((SECONDS - t1))s"
echo "$stamp_want" > "$bin/stamp"
echo "[e2e-kube] build: $((SECONDS - t0))s -> $bin"
