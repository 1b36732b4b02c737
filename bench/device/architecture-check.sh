#!/usr/bin/env bash
# Contract 4.0 on the lent GPU (issue 15): every CUDA path that now runs through the generic pass bridge (PassCustomOp,
# OrtCustomKernelContext), the CUDA layer's SafeHandles, the ORT bridge's handles and the lexical heads moved to
# kernels/host. Prints: attention pipelines on CUDA vs ORT-CUDA (rates, max |Δ|), generate with attention/dense vs
# the model's own graph on CUDA, the index/search-sparse jobs on CUDA (fp32, fp16) vs CPU, weight-quant/dense on a
# CUDA session (a CPU-only custom op beside the CUDA provider) vs the model's own graph, and each process's exit code.
# Run from the repository root on the device machine after the last unpack (docs/cuda.md).
set -uo pipefail
export LD_LIBRARY_PATH=/usr/local/cuda-13.0/targets/x86_64-linux/lib:/usr/local/cuda-13.0/lib64:/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
S=/tmp/payload/device/sieve; chmod +x "$S"
D="$(dirname "$0")"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
date -u
"$S" plugins 2>&1 | head -12
"$S" bench attention --pipelines-only --set Sieve:Device=cuda --records 2048 --repeat 5 2>&1 | grep -v " warn: " | tee "$OUT/bench-attention-cuda.txt" | tail -9
echo "bench exit ${PIPESTATUS[0]}"
LM=(--set "Sieve:Models:sieve-lm:Path=$PWD/models/sieve-lm/model.onnx" --set "Sieve:Models:sieve-lm:Tokenizer=$PWD/models/sieve-lm/tokenizer_config.json" --set Sieve:Device=cuda)
OUT="$OUT" bash "$D/compare-generate.sh" "$S" "${LM[@]}"
for run in cpu:fp32 cuda:fp32 cuda:fp16; do
  device=${run%%:*}; precision=${run##*:}; tag="$device-$precision"
  "$S" run --job index --set Sieve:Device=$device --set Sieve:Jobs:2:Operators:lexical-head:Options:GpuPrecision=$precision \
    --set "Sieve:Jobs:2:Output=$OUT/sparse-vectors-$tag.jsonl" --set "Sieve:Jobs:2:Index=/tmp/sentences-$tag.sparse" 2>&1 | grep "^Job"
  echo "index $tag exit ${PIPESTATUS[0]}"
  "$S" run --job search-sparse --set Sieve:Device=$device --set Sieve:Jobs:3:Operators:lexical-head:Options:GpuPrecision=$precision \
    --set "Sieve:Jobs:3:Index=/tmp/sentences-$tag.sparse" --set "Sieve:Jobs:3:Output=$OUT/hits-sparse-$tag.jsonl" 2>&1 | grep "^Job"
done
python3 "$D/compare_sparse_runs.py" "$OUT" cpu-fp32 cuda-fp32 cuda-fp16 | tee "$OUT/sparse-jobs-compare.txt"
for use in own dense; do
  extra=(); [ "$use" = own ] || extra=(--set "Sieve:Operators:weight-quant:Use=$use")
  "$S" run --job embed --set Sieve:Device=cuda "${extra[@]}" --set "Sieve:Jobs:0:Output=$OUT/embed-wq-$use.jsonl" 2>&1 | grep "^Job"
  echo "embed weight-quant $use exit ${PIPESTATUS[0]}"
done
python3 - "$OUT/embed-wq-own.jsonl" "$OUT/embed-wq-dense.jsonl" <<'PY'
import json, sys
a = {r["id"]: r["embedding"] for r in map(json.loads, open(sys.argv[1]))}
b = {r["id"]: r["embedding"] for r in map(json.loads, open(sys.argv[2]))}
worst = max(abs(x - y) for k in a for x, y in zip(a[k], b[k]))
print(f"embed on CUDA, weight-quant/dense vs the model's own graph: {len(a)} records, max |Δ| {worst:.3g}")
PY
