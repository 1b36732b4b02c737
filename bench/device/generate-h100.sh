#!/usr/bin/env bash
# The generate job, `sieve bench generate` and a short `sieve eval lm` on the lent GPU, from the device-pack payload
# (see docs/cuda.md). Run from the repository root on the device machine after the last chunk's unpack.
set -uo pipefail
export LD_LIBRARY_PATH=/usr/local/cuda-13.0/targets/x86_64-linux/lib:/usr/local/cuda-13.0/lib64:/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
S=/tmp/payload/device/sieve; chmod +x "$S"
LM=(--set "Sieve:Models:sieve-lm:Path=$PWD/models/sieve-lm/model.onnx" --set "Sieve:Models:sieve-lm:Tokenizer=$PWD/models/sieve-lm/tokenizer_config.json" --set Sieve:Device=cuda)
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
date -u
OUT="$OUT" bash "$(dirname "$0")/compare-generate.sh" "$S" "${LM[@]}"
"$S" bench generate "${LM[@]}" --repeat 3 2>&1 | tee "$OUT/bench-generate.txt" | grep -v "^\s*$" | tail -14
"$S" eval lm "${LM[@]}" --set Sieve:Operators:attention:Use=dense --contexts 1024,4096 --windows 16 --lengths 512,2048,4096 --per-cell 2 2>&1 | tee "$OUT/eval-lm-dense.txt" | grep -v '^{' | tail -14
