#!/usr/bin/env bash
# What the lead runs on the GPU machine (repository root is the working directory):
#   bash tools/train-lm/run-on-gpu.sh DATA_DIR MINUTES OUT_DIR [--resume] [--total-minutes N] [--ctx N] [--no-compile]
#        [--eval-contexts "4096 16384 32768"] [--eval-max-length 32768] [train.py flags...]
# Trains for MINUTES (checkpoints in $CKPT, default /tmp/sieve-lm-ckpt, which survives between back-to-back
# calls), then evaluates the selected checkpoint (select.pt, else best.pt), exports + verifies the ONNX model and copies to OUT_DIR:
# checkpoint-fp16.pt, model.onnx, manifest.json, eval.json, train.log, vocab.json, merges.txt, tokenizer_config.json (8 files).
# MINUTES=0 skips training (re-export/eval of the existing checkpoint).
set -euo pipefail
DATA=$1; MIN=$2; OUTDIR=$3; shift 3
RESUME=""; TOTAL=$MIN; CTX=4096; COMPILE="--compile"; EXTRA=(); EVAL_CONTEXTS="1024 4096"; EVAL_MAX=8192
while [ $# -gt 0 ]; do
  case $1 in
    --resume) RESUME="--resume";;
    --total-minutes) TOTAL=$2; shift;;
    --ctx) CTX=$2; shift;;
    --no-compile) COMPILE="";;
    --eval-contexts) EVAL_CONTEXTS=$2; shift;;
    --eval-max-length) EVAL_MAX=$2; shift;;
    *) EXTRA+=("$1");;
  esac; shift
done
HERE=$(cd "$(dirname "$0")" && pwd)
CKPT=${CKPT:-/tmp/sieve-lm-ckpt}
MODEL=${MODEL_DIR:-/tmp/sieve-lm-model}
mkdir -p "$CKPT" "$MODEL" "$OUTDIR"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
python3 -c "import torch, onnx, onnxruntime; print('torch', torch.__version__, 'onnx', onnx.__version__, 'ort', onnxruntime.__version__)"

if [ "$MIN" != "0" ]; then
  if ! python3 "$HERE/train.py" --data "$DATA" --out "$CKPT" --minutes "$MIN" --total-minutes "$TOTAL" \
        --ctx "$CTX" $RESUME $COMPILE "${EXTRA[@]}"; then
    if [ -n "$COMPILE" ]; then
      echo "training with torch.compile failed; continuing without it (resuming from the last checkpoint if any)"
      R=""; [ -f "$CKPT/last.pt" ] && R="--resume"
      python3 "$HERE/train.py" --data "$DATA" --out "$CKPT" --minutes "$(python3 -c "print(max(1.0, $MIN/2))")" \
        --total-minutes "$TOTAL" --ctx "$CTX" $R "${EXTRA[@]}"
    else
      exit 1
    fi
  fi
fi
# the exported checkpoint: select.pt (best pass-key probe among evals within --select-tolerance of the best
# val loss, see train.py); best.pt (lowest val loss) if there is no select.pt (older runs)
SEL="$CKPT/select.pt"; [ -f "$SEL" ] || SEL="$CKPT/best.pt"
echo "exporting $SEL"
python3 "$HERE/eval.py" --ckpt "$SEL" --data "$DATA" --out "$MODEL/eval.json" --contexts $EVAL_CONTEXTS --max-length "$EVAL_MAX"
cp "$CKPT/train.log" "$MODEL/train.log"
python3 "$HERE/export.py" --ckpt "$SEL" --data "$DATA" --out "$MODEL" --eval-json "$MODEL/eval.json"
# the selected weights in fp16 (what the ONNX file holds), so the model can be re-exported off the GPU machine
python3 -c "import sys, torch; d = torch.load(sys.argv[1], map_location='cpu', weights_only=False); \
d['model'] = {k: v.half() for k, v in d['model'].items()}; d.pop('opt', None); torch.save(d, sys.argv[2])" \
  "$SEL" "$MODEL/checkpoint-fp16.pt"
cp "$MODEL"/checkpoint-fp16.pt "$MODEL"/model.onnx "$MODEL"/vocab.json "$MODEL"/merges.txt "$MODEL"/tokenizer_config.json \
   "$MODEL"/manifest.json "$MODEL"/eval.json "$MODEL"/train.log "$OUTDIR"/
ls -la "$OUTDIR"
