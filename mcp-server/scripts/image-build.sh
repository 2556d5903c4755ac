#!/bin/sh
# Build the kube-mcp-server image with the first container engine found (podman, buildah, docker).
# Usage: mcp-server/scripts/image-build.sh [image-ref]   (default kube-mcp-server:dev)
# Run from anywhere; the build context is the repository root.
set -eu
ref="${1:-${MCP_SERVER_IMAGE:-kube-mcp-server:dev}}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
for engine in podman buildah docker; do
  if command -v "$engine" >/dev/null 2>&1; then
    case "$engine" in
      buildah) exec buildah bud --ignorefile "$root/mcp-server/Containerfile.dockerignore" -f "$root/mcp-server/Containerfile" -t "$ref" "$root" ;;
      podman) exec podman build --ignorefile "$root/mcp-server/Containerfile.dockerignore" -f "$root/mcp-server/Containerfile" -t "$ref" "$root" ;;
      docker)
        # docker needs a reachable daemon; BuildKit reads mcp-server/Containerfile.dockerignore.
        docker info >/dev/null 2>&1 || continue
        DOCKER_BUILDKIT=1 exec docker build -f "$root/mcp-server/Containerfile" -t "$ref" "$root" ;;
    esac
  fi
done
echo "image-build: no usable container engine (podman, buildah, or docker with a running daemon); nothing built" >&2
exit 3
