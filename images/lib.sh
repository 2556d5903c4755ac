# Shared by images/build.sh and images/smoke.ts (via `bash -c`): the project's buildah store and
# the build context's file list. Source it; it defines functions only.

# buildah on the project's own store (vfs driver, chroot isolation), under $KMS_CACHE_DIR/images.
bah() {
  local d="${KMS_CACHE_DIR:-$root/.cache}/images"
  buildah --root "$d/storage" --runroot "$d/run" --storage-driver vfs "$@"
}
# The same as a command line, for xargs.
BUILDAH=(buildah --root "${KMS_CACHE_DIR:-$root/.cache}/images/storage" --runroot "${KMS_CACHE_DIR:-$root/.cache}/images/run" --storage-driver vfs)
export BUILDAH_ISOLATION=chroot

# True when the project's store holds image $1 (buildah 1.28 has no `image exists`).
have_image() { bah inspect --type image "$1" >/dev/null 2>&1; }

# The files the Containerfile's build context sends (see mcp-server/Containerfile.dockerignore),
# relative to the repository root $1, one per line, sorted: the stamp of the image step hashes them.
context_files() {
  (cd "$1" && {
    printf '%s\n' package.json package-lock.json tsconfig.json mcp-server/Containerfile.dockerignore
    find mcp-server -type f ! -path 'mcp-server/dist/*' ! -path 'mcp-server/test/*'
    [[ -d playground ]] && find playground -type f ! -path '*/node_modules/*' ! -path 'playground/dist/*'
    true
  } | LC_ALL=C sort -u)
}
