#!/usr/bin/env bash
# The generate job on CUDA with the model's own attention and with attention/dense, and whether they write the same
# text. Called by the other device scripts with the sieve binary and the model settings: compare-generate.sh SIEVE ARGS...
set -uo pipefail
S=$1; shift
for use in model dense; do
  extra=(); [ "$use" = model ] || extra=(--set "Sieve:Operators:attention:Use=$use")
  "$S" run --job generate "$@" "${extra[@]}" --set "Sieve:Jobs:5:Output=$OUT/gen-$use.jsonl" 2>&1 | grep -v "^\s*$" | tail -3
done
python3 - "$OUT/gen-model.jsonl" "$OUT/gen-dense.jsonl" <<'PY'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]; b = [json.loads(l) for l in open(sys.argv[2])]
same = sum(x["text"] == y["text"] for x, y in zip(a, b))
print(f"generate on CUDA: attention/dense gives the same text as the model's own graph for {same} of {len(a)} records")
for x in a[:2]: print("  ", x["id"], repr(x["text"][:160]))
PY
