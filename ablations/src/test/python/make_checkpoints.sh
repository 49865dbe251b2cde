#!/usr/bin/env bash
# Regenerates the small random Hugging Face checkpoints under
# ablations/src/test/resources/checkpoints/ (and their reference outputs) with Hugging Face
# transformers. Run once by hand when the fixtures must change; the tests only read the result.
# Builds a venv offline from the Python wheels kept on this machine image (as
# /work/shared/bench/peer-bench.sh does) under ${FIXTURE_VENV:-$HOME/.cache/slicelab/fixture-venv}.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-$here/../resources/checkpoints}
venv=${FIXTURE_VENV:-$HOME/.cache/slicelab/fixture-venv}
if ! "$venv/bin/python" -c 'import torch, transformers, tokenizers, safetensors' 2>/dev/null; then
  python3 -m venv "$venv"
  links=()
  for d in $(find / -xdev \( -name 'torch-2*.whl' -o -name 'transformers-5*.whl' \) \
      -printf '%h\n' 2>/dev/null | sort -u); do links+=(--find-links "$d"); done
  "$venv/bin/pip" install -q --no-index "${links[@]}" "torch<3" "transformers>=5" >&2
fi
exec "$venv/bin/python" "$here/make_checkpoints.py" "$out"
