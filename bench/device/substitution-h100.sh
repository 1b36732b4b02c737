#!/usr/bin/env bash
# In-graph substitution on the lent GPU, from the device-pack payload (docs/cuda.md): the embed job with ORT's own
# attention, attention/dense and attention/block-sparse (max |Δ| vs ORT), and the generate job with the model's own
# attention and attention/dense (same text?). Run from the repository root on the device machine after the last unpack.
set -uo pipefail
export LD_LIBRARY_PATH=/usr/local/cuda-13.0/targets/x86_64-linux/lib:/usr/local/cuda-13.0/lib64:/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
S=/tmp/payload/device/sieve; chmod +x "$S"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
date -u
"$S" bench attention --pipelines-only --set Sieve:Device=cuda --records 2048 --repeat 5 2>&1 | grep -v " warn: " | tee "$OUT/bench-attention-cuda.txt" | tail -9
LM=(--set "Sieve:Models:sieve-lm:Path=$PWD/models/sieve-lm/model.onnx" --set "Sieve:Models:sieve-lm:Tokenizer=$PWD/models/sieve-lm/tokenizer_config.json" --set Sieve:Device=cuda)
OUT="$OUT" bash "$(dirname "$0")/compare-generate.sh" "$S" "${LM[@]}"
