#!/usr/bin/env bash
# Issue 20 on the lent GPU (not run yet: the 2026-12-08 records are CPU only). From the device-pack payload, repository
# root, results to $OUT: Flash-KMeans' fused assignment kernel at the issue's shapes (sieve bench kmeans on CUDA; the CPU
# fused and materialised passes run beside it in the same process) and the PyTorch peer (torch.cdist + argmin); then
# sieve-lm's head clustered on the GPU, generate with lm-head/clustered on CUDA, and the lm-head benchmark.
set -uo pipefail
export LD_LIBRARY_PATH=/usr/local/cuda-13.0/targets/x86_64-linux/lib:/usr/local/cuda-13.0/lib64:/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
S=/tmp/payload/device/sieve; chmod +x "$S"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
date -u
"$S" bench kmeans --set Sieve:Device=cuda --shapes 1000000x1024x128,131072x4096x512 --repeat 3 2>&1 | grep -v " warn: " | tee "$OUT/bench-kmeans-cuda.txt"
python3 "$(dirname "$0")/kmeans_torch.py" 1000000x1024x128 131072x4096x512 | tee "$OUT/torch-kmeans.txt"
"$S" cluster-head sieve-lm --clusters 128 --out /tmp/sieve-lm-128.bin --set Sieve:Device=cuda 2>&1 | tee "$OUT/cluster-head-cuda.txt"
"$S" run --job generate --set Sieve:Device=cuda --set Sieve:Operators:lm-head:Use=clustered \
  --set Sieve:Operators:lm-head:Options:HeadFile=/tmp/sieve-lm-128.bin --set Sieve:Operators:lm-head:Options:Probe=32 2>&1 | grep "^Job" | tee "$OUT/generate-clustered-cuda.txt"
"$S" bench lm-head --vocabularies sieve-lm,128256x4096 --batches 1,8 --probes 8,16,32 --steps 20 2>&1 | tee "$OUT/bench-lm-head-host.txt"
