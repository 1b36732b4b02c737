#!/usr/bin/env bash
# The generate job, `sieve bench generate` and a short `sieve eval lm` on the lent GPU, from the device-pack payload
# (see docs/cuda.md). Run from the repository root on the device machine after the last chunk's unpack.
set -uo pipefail
export LD_LIBRARY_PATH=/usr/local/cuda-13.0/targets/x86_64-linux/lib:/usr/local/cuda-13.0/lib64:/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
S=/tmp/payload/device/sieve; chmod +x "$S"
LM=(--set "Sieve:Models:sieve-lm:Path=$PWD/models/sieve-lm/model.onnx" --set "Sieve:Models:sieve-lm:Tokenizer=$PWD/models/sieve-lm/tokenizer_config.json" --set Sieve:Device=cuda)
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
date -u
for use in model dense; do
  extra=(); [ "$use" = model ] || extra=(--set "Sieve:Operators:attention:Use=$use")
  "$S" run --job generate "${LM[@]}" "${extra[@]}" --set "Sieve:Jobs:5:Output=$OUT/gen-$use.jsonl" 2>&1 | grep -v "^\s*$" | tail -4
done
python3 - "$OUT/gen-model.jsonl" "$OUT/gen-dense.jsonl" <<'PY'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]; b = [json.loads(l) for l in open(sys.argv[2])]
same = sum(x["text"] == y["text"] for x, y in zip(a, b))
print(f"generate on CUDA: attention/dense gives the same text as the model's own graph for {same} of {len(a)} records")
for x in a[:2]: print("  ", x["id"], repr(x["text"][:160]))
PY
"$S" bench generate "${LM[@]}" --repeat 3 2>&1 | tee "$OUT/bench-generate.txt" | grep -v "^\s*$" | tail -14
"$S" eval lm "${LM[@]}" --set Sieve:Operators:attention:Use=dense --contexts 1024,4096 --windows 16 --lengths 512,2048,4096 --per-cell 2 2>&1 | tee "$OUT/eval-lm-dense.txt" | grep -v '^{' | tail -14
