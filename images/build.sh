#!/usr/bin/env bash
# Build the project's container image with buildah on a base assembled locally from Debian packages.
#
# Usage: bash images/build.sh            (as root; needs buildah, debootstrap, go, node 20 on the host)
#
# Steps (one progress line each, with its time):
#   1. base   — debootstrap --variant=minbase (Debian $KMS_DEBIAN_SUITE, default bookworm) plus the
#               host's Node.js (major 20+), trimmed (no docs, man pages, apt lists), imported into
#               buildah as two local images: localhost/kms-node-runtime:<hash> (node only) and
#               localhost/kms-node-builder:<hash> (runtime + npm). Stamp: hash of the suite, the
#               package list, the node binary and this script.
#   2. helm   — the helm CLI for the `helm` toolset, `go install`ed on the host at the Containerfile's
#               HELM_VERSION, cached under $KMS_CACHE_DIR/helm/<version>/, wrapped in
#               localhost/kms-helm:<version>-<hash> (runtime base + /tmp/bin/helm), passed as the
#               Containerfile's GO_BUILDER: a builder that already holds /tmp/bin/helm at
#               HELM_VERSION skips the in-image `go install`.
#   3. image  — `buildah bud` of mcp-server/Containerfile with the bases as build arguments, tagged
#               $KMS_IMAGE (default localhost/kube-mcp-server:ci). Stamp: hash of the build context
#               files, the Containerfile, the ignore file and the base/helm references.
# A step whose stamp matches and whose image is present is skipped, so a second run takes seconds.
#
# Storage: its own buildah store under $KMS_CACHE_DIR/images/storage (vfs driver, chroot isolation:
# no overlay or user namespaces needed), so nothing touches /var/lib/containers.
# Releases do NOT use this script: they build the same Containerfile on its Red Hat UBI defaults
# (.github/workflows/release.yml).
# Env: KMS_CACHE_DIR (default <repo>/.cache), KMS_IMAGE, KMS_DEBIAN_SUITE, KMS_DEBIAN_MIRROR.
# Prints the image reference on the last line: `image: <ref>`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${KMS_CACHE_DIR:-$root/.cache}"
dir="$cache/images"
suite="${KMS_DEBIAN_SUITE:-bookworm}"
mirror="${KMS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
image="${KMS_IMAGE:-localhost/kube-mcp-server:ci}"
containerfile="$root/mcp-server/Containerfile"
ignorefile="$root/mcp-server/Containerfile.dockerignore"
# Packages on top of minbase: libstdc++6 for node, ca-certificates for TLS to the issuer and the API.
include="libstdc++6,ca-certificates"
mkdir -p "$dir"
. "$root/images/lib.sh"

step() { echo "[images] $1: $2 ($(( SECONDS - t ))s)"; }

[[ $(id -u) == 0 ]] || { echo "images/build.sh: run as root (buildah vfs storage and debootstrap need it)" >&2; exit 1; }
for tool in buildah debootstrap go node tar sha256sum; do
  command -v "$tool" >/dev/null || { echo "images/build.sh: $tool is missing (.ci/run installs buildah and debootstrap with apt)" >&2; exit 1; }
done

# ---- 1. base -------------------------------------------------------------------------------------
t=$SECONDS
node_bin="$(readlink -f "$(command -v node)")"
node_version="$("$node_bin" --version)"
[[ ${node_version#v} =~ ^(2[0-9]|[3-9][0-9])\. ]] || { echo "images/build.sh: host node $node_version; need Node.js 20 or later" >&2; exit 1; }
npm_dir="$(dirname "$(readlink -f "$(command -v npm)")")/.."
npm_dir="$(cd "$npm_dir" && pwd)"
base_hash="$({ echo "$suite $mirror $include"; sha256sum "$node_bin"; cat "$npm_dir/package.json"; sed -n '/^# ---- 1. base/,/^# ---- 2. helm/p' "$root/images/build.sh"; } | sha256sum | cut -c1-16)"
runtime_ref="localhost/kms-node-runtime:$base_hash"
builder_ref="localhost/kms-node-builder:$base_hash"
if [[ -f "$dir/base-$base_hash.stamp" ]] && have_image "$runtime_ref" && have_image "$builder_ref"; then
  step base "cached ($runtime_ref, node $node_version)"
else
  rootfs="$dir/rootfs-$base_hash"
  rm -rf "$rootfs" "$dir"/rootfs-*.tar
  debootstrap --variant=minbase --include="$include" "$suite" "$rootfs" "$mirror" > "$dir/debootstrap.log" 2>&1 \
    || { tail -n 20 "$dir/debootstrap.log" >&2; exit 1; }
  # Trim what a runtime never reads: docs, man pages, locales, apt lists and caches, logs.
  rm -rf "$rootfs"/usr/share/{doc,man,info,lintian,linda}/* "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/var/cache/apt/* "$rootfs"/var/cache/debconf/*-old "$rootfs"/var/log/*.log "$rootfs"/tmp/*
  find "$rootfs"/usr/share/locale -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} +
  # What node, npm and helm never run (~22 MiB): glibc's iconv modules, perl, the apt tools. The
  # image never installs packages; dpkg's database stays (it still lists perl-base and apt).
  rm -rf "$rootfs"/usr/lib/*-linux-gnu/gconv "$rootfs"/usr/lib/*-linux-gnu/perl-base "$rootfs"/usr/share/perl5 \
    "$rootfs"/usr/bin/perl* "$rootfs"/usr/lib/apt "$rootfs"/usr/bin/apt* "$rootfs"/usr/lib/*-linux-gnu/libapt-* \
    "$rootfs"/var/cache/debconf/*
  install -D -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
  # The host's node carries debug info (~12 MiB); stripped it runs the same.
  if command -v strip >/dev/null; then strip "$rootfs/usr/local/bin/node"; fi
  tar -C "$rootfs" --numeric-owner -cf "$dir/rootfs-$base_hash.tar" .
  c="$(bah from scratch)"
  bah add "$c" "$dir/rootfs-$base_hash.tar" / >/dev/null
  bah config --env PATH=/usr/local/bin:/usr/bin:/bin --env HOME=/tmp --cmd /bin/sh \
    --label org.opencontainers.image.description="Debian $suite minbase + Node.js $node_version (assembled locally for CI)" "$c"
  bah commit --rm -q "$c" "$runtime_ref" >/dev/null
  c="$(bah from "$runtime_ref")"
  bah copy "$c" "$npm_dir" /usr/local/lib/node_modules/npm >/dev/null
  bah run "$c" -- sh -c 'ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx && npm --version' >/dev/null
  bah config --env HOME=/root --env NPM_CONFIG_UPDATE_NOTIFIER=false "$c"
  bah commit --rm -q "$c" "$builder_ref" >/dev/null
  rm -rf "$rootfs" "$dir/rootfs-$base_hash.tar"
  rm -f "$dir"/base-*.stamp && touch "$dir/base-$base_hash.stamp"
  # Older bases, their helm images and the layer cache built on them only take space (vfs keeps a
  # full copy per layer).
  bah images --format '{{.Name}}:{{.Tag}}' | grep -E '^localhost/kms-(node-runtime|node-builder|helm):' \
    | grep -v -e ":$base_hash\$" | xargs -r -n1 "${BUILDAH[@]}" rmi -f >/dev/null 2>&1 || true
  bah rmi --prune >/dev/null 2>&1 || true
  step base "built $runtime_ref and $builder_ref (debootstrap $suite minbase + node $node_version)"
fi

# ---- 2. helm -------------------------------------------------------------------------------------
t=$SECONDS
helm_version="$(sed -n 's/^ARG HELM_VERSION=//p' "$containerfile")"
[[ -n $helm_version ]] || { echo "images/build.sh: no 'ARG HELM_VERSION=' in $containerfile" >&2; exit 1; }
helm_bin="$cache/helm/$helm_version/helm"
if [[ ! -x $helm_bin || $("$helm_bin" version --template '{{.Version}}' 2>/dev/null) != "$helm_version" ]]; then
  # Same flags as the Containerfile's helm stage (the -X sets what `helm version` reports).
  mkdir -p "$(dirname "$helm_bin")"
  CGO_ENABLED=0 GOBIN="$(dirname "$helm_bin").tmp" go install -trimpath \
    -ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$helm_version" "helm.sh/helm/v3/cmd/helm@$helm_version" > "$dir/helm-build.log" 2>&1 \
    || { tail -n 20 "$dir/helm-build.log" >&2; exit 1; }
  mv "$(dirname "$helm_bin").tmp/helm" "$helm_bin" && rmdir "$(dirname "$helm_bin").tmp"
fi
helm_ref="localhost/kms-helm:$helm_version-$({ echo "$base_hash"; sha256sum "$helm_bin"; } | sha256sum | cut -c1-12)"
if have_image "$helm_ref"; then
  step helm "cached ($helm_ref)"
else
  # On the runtime base: the Containerfile's helm stage runs a shell to check the binary's version.
  c="$(bah from "$runtime_ref")"
  bah copy --chmod 0755 "$c" "$helm_bin" /tmp/bin/helm >/dev/null
  bah commit --rm -q "$c" "$helm_ref" >/dev/null
  step helm "built $helm_ref from $helm_bin"
fi

# ---- 3. image ------------------------------------------------------------------------------------
t=$SECONDS
build_args=(--build-arg "NODE_BUILDER=$builder_ref" --build-arg "NODE_RUNTIME=$runtime_ref" --build-arg "GO_BUILDER=$helm_ref")
# A host that reaches the npm registry through a TLS proxy names its CA in NODE_EXTRA_CA_CERTS: the
# build's RUN steps see that file through a bind mount (in no layer; the runtime stage never sees it).
run_opts=()
if [[ -n ${NODE_EXTRA_CA_CERTS:-} && -f $NODE_EXTRA_CA_CERTS ]]; then
  run_opts=(--volume "$NODE_EXTRA_CA_CERTS:/run/kms-build-ca.pem:ro")
  build_args+=(--build-arg NODE_EXTRA_CA_CERTS=/run/kms-build-ca.pem)
fi
image_hash="$({ printf '%s\n' "$image" "${build_args[@]}"; context_files "$root" | (cd "$root" && xargs -d '\n' sha256sum); } | sha256sum | cut -c1-16)"
stamp="$dir/image-$(echo "$image" | tr '/:' '__').stamp"
if [[ -f $stamp && $(cat "$stamp") == "$image_hash" ]] && have_image "$image"; then
  step image "cached ($image)"
else
  previous="$(bah inspect --type image --format '{{.FromImageID}}' "$image" 2>/dev/null || true)"
  bah bud --layers --quiet "${run_opts[@]}" --ignorefile "$ignorefile" -f "$containerfile" "${build_args[@]}" -t "$image" "$root" > "$dir/bud.log" 2>&1 \
    || { tail -n 40 "$dir/bud.log" >&2; echo "images/build.sh: buildah bud failed (full log: $dir/bud.log)" >&2; exit 1; }
  echo "$image_hash" > "$stamp"
  # The image this build replaced (now untagged) only takes space.
  current="$(bah inspect --type image --format '{{.FromImageID}}' "$image")"
  [[ -z $previous || $previous == "$current" ]] || bah rmi "$previous" >/dev/null 2>&1 || true
  step image "built $image"
fi
echo "image: $image"
