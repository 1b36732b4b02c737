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
for use in model dense; do
  extra=(); [ "$use" = model ] || extra=(--set "Sieve:Operators:attention:Use=$use")
  "$S" run --job generate "${LM[@]}" "${extra[@]}" --set "Sieve:Jobs:5:Output=$OUT/gen-$use.jsonl" 2>&1 | grep -v "^\s*$" | tail -3
done
python3 - "$OUT/gen-model.jsonl" "$OUT/gen-dense.jsonl" <<'PY'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]; b = [json.loads(l) for l in open(sys.argv[2])]
same = sum(x["text"] == y["text"] for x, y in zip(a, b))
print(f"generate on CUDA: attention/dense gives the same text as the model's own graph for {same} of {len(a)} records")
PY
