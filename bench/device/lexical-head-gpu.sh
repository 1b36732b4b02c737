#!/usr/bin/env bash
# The lexical heads on the lent GPU, from the device-pack payload: `sieve bench lexical-head` on CUDA (dense and fused,
# fp32 and fp16 inputs, whole Encode calls), the same run under Nsight Compute for each kernel's own GPU time, and the
# PyTorch eager dense head (fp32 and fp16) as the peer, all in this one call. Run from the repository root on the device
# machine after the last unpack; results go to $OUT.
set -uo pipefail
export LD_LIBRARY_PATH=/usr/local/cuda-13.0/targets/x86_64-linux/lib:/usr/local/cuda-13.0/lib64:/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
S=/tmp/payload/device/sieve; chmod +x "$S"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
date -u
"$S" bench lexical-head --set Sieve:Device=cuda --batch-size 32 --lengths 256 --repeat 9 2>&1 | grep -v " warn: " | tee "$OUT/bench-lexical-head-cuda.txt"
# Kernel times: one warm-up and one measured call per variant; ncu serializes launches, so only per-kernel durations count.
if command -v ncu >/dev/null; then
  ncu --metrics gpu__time_duration.sum --csv --print-units base "$S" bench lexical-head --set Sieve:Device=cuda --batch-size 32 --lengths 256 --repeat 1 \
    > "$OUT/ncu-lexical-head.csv" 2> "$OUT/ncu-lexical-head.err"
  echo "ncu exit $?"; tail -3 "$OUT/ncu-lexical-head.err"
  python3 "$(dirname "$0")/ncu_kernel_times.py" "$OUT/ncu-lexical-head.csv" | tee "$OUT/ncu-lexical-head-summary.txt"
fi
python3 "$(dirname "$0")/lexical_head_torch.py" | tee "$OUT/torch-lexical-head.txt"
# The real model: the shipped index and search-sparse jobs (all-MiniLM-L6-v2, its word embeddings as the head) on the
# CPU, on CUDA in fp32 and on CUDA in fp16; are the sparse vectors and the hits the same?
for run in cpu:fp32 cuda:fp32 cuda:fp16; do
  device=${run%%:*}; precision=${run##*:}; tag="$device-$precision"
  "$S" run --job index --set Sieve:Device=$device --set Sieve:Jobs:2:Operators:lexical-head:Options:GpuPrecision=$precision \
    --set "Sieve:Jobs:2:Output=$OUT/sparse-vectors-$tag.jsonl" --set "Sieve:Jobs:2:Index=/tmp/sentences-$tag.sparse" 2>&1 | grep "^Job"
  "$S" run --job search-sparse --set Sieve:Device=$device --set Sieve:Jobs:3:Operators:lexical-head:Options:GpuPrecision=$precision \
    --set "Sieve:Jobs:3:Index=/tmp/sentences-$tag.sparse" --set "Sieve:Jobs:3:Output=$OUT/hits-sparse-$tag.jsonl" 2>&1 | grep "^Job"
done
python3 "$(dirname "$0")/compare_sparse_runs.py" "$OUT" cpu-fp32 cuda-fp32 cuda-fp16 | tee "$OUT/sparse-jobs-compare.txt"
# Throughput of the index job on 10,240 records (the 40 samples repeated under new ids), CPU vs CUDA fp32 vs CUDA fp16.
python3 - <<'PY'
import json
rows = [json.loads(l) for l in open("samples/sentences.jsonl")]
with open("/tmp/big.jsonl", "w") as f:
    for i in range(256):
        for r in rows:
            f.write(json.dumps({"id": f"{r['id']}-{i}", "text": r["text"]}) + "\n")
PY
for run in cpu:fp32 cuda:fp32 cuda:fp16; do
  device=${run%%:*}; precision=${run##*:}
  rm -f /tmp/big-*.jsonl.* 2>/dev/null
  echo "index job, 10,240 records, $device $precision:"
  "$S" run --job index --set Sieve:Device=$device --set Sieve:Jobs:2:Operators:lexical-head:Options:GpuPrecision=$precision --set Sieve:Jobs:2:Input=/tmp/big.jsonl \
    --set "Sieve:Jobs:2:Output=/tmp/big-$device-$precision.jsonl" --set "Sieve:Jobs:2:Index=/tmp/big-$device-$precision.sparse" 2>&1 | grep "^Job"
done
