#!/usr/bin/env bash
# Installs the real Llama Stack releases the e2e suite runs, from PyPI, one venv per release.
#
# Output: $KMS_CACHE_DIR/llama-stack/<version>/venv   (`venv/bin/llama stack run …`)
#         $KMS_CACHE_DIR/llama-stack/tiktoken         (TIKTOKEN_CACHE_DIR with cl100k_base)
#         (KMS_CACHE_DIR defaults to <repo>/.cache)
# Pins:   test/e2e/llama-stack/<version>/requirements.txt (what we ask for) and constraints.txt
#         (the exact versions: `pip freeze` of a venv built from requirements.txt). The
#         releases are the ones charts/llama-stack-releases.ts supports; the list is read from
#         the folders here (each <version>/ with a requirements.txt).
# Python: KMS_PYTHON312 (default /root/.pyenv/versions/3.12.1/bin/python3, else python3.12 on PATH).
# Regenerate a lock: rm -rf the venv, install with `pip install -r requirements.txt` only,
#         then `venv/bin/pip freeze --all --exclude pip --exclude setuptools > constraints.txt`.
# tiktoken: Llama Stack 0.7.x loads the cl100k_base encoding when its vector_io provider starts
#         and would download it (only registries are reachable here). The file is rebuilt
#         byte for byte from the npm package js-tiktoken (a devDependency) and checked against
#         the sha256 that tiktoken itself pins (tiktoken_ext/openai_public.py).
# Each venv is skipped when its stamp records the same requirements, constraints and Python.
# Prints one line per release: "[llama-stack] <version>: cached" or "… installed in Ns".
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
cache=${KMS_CACHE_DIR:-$root/.cache}
out="$cache/llama-stack"

python=${KMS_PYTHON312:-/root/.pyenv/versions/3.12.1/bin/python3}
if [[ ! -x $python ]]; then python=$(command -v python3.12 || true); fi
if [[ -z $python || ! -x $python ]]; then
  echo "[llama-stack] Python 3.12 not found: set KMS_PYTHON312 to a python3.12 executable" >&2; exit 2
fi
pyver=$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')

mkdir -p "$out"
for dir in "$here"/*/; do
  version=$(basename "$dir")
  [[ -f $dir/requirements.txt && -f $dir/constraints.txt ]] || continue
  venv="$out/$version/venv"
  stamp_want="python=$pyver req=$(sha256sum < "$dir/requirements.txt" | cut -c1-16) lock=$(sha256sum < "$dir/constraints.txt" | cut -c1-16)"
  if [[ -x $venv/bin/llama && -f $out/$version/stamp && "$(cat "$out/$version/stamp")" == "$stamp_want" ]]; then
    echo "[llama-stack] $version: cached ($venv)"
    continue
  fi
  t0=$SECONDS
  rm -rf "$out/$version"
  mkdir -p "$out/$version"
  "$python" -m venv "$venv"
  log="$out/$version/pip.log"
  if ! "$venv/bin/pip" install --disable-pip-version-check --no-input -r "$dir/requirements.txt" -c "$dir/constraints.txt" > "$log" 2>&1; then
    echo "[llama-stack] $version: pip install failed; last lines of $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  echo "$stamp_want" > "$out/$version/stamp"
  echo "[llama-stack] $version: installed in $((SECONDS - t0))s ($venv)"
done

node "$here/tiktoken-cache.mjs" "$out/tiktoken"
