#!/usr/bin/env bash
# Quantizes models/sieve-lm (SqueezeLLM dense-and-sparse 4/3-bit with and without the sparse part, RTN g128 4/3-bit)
# and measures held-out perplexity of each with `sieve eval lm`, on the CPU. Usage: eval-sieve-lm.sh SIEVE_DIR WORK_DIR [WINDOWS [FISHER]]
# FISHER: a Fisher-diagonal file (tools/train-lm/fisher.py) adds SqueezeLLM with that sensitivity at 4 and 3 bits.
set -euo pipefail
sieve_dir=$1 work=$2 windows=${3:-24} fisher=${4:-}
mkdir -p "$work"
cd "$sieve_dir"
# Calibration text: Genesis 1-20 of the WEB (training data of sieve-lm; none of it is in the held-out stream).
diatheke -b engWEB2015eb -f plaintext -k "Genesis 1-20" | sed 's/<[^>]*>//g; s/^Genesis [0-9]*:[0-9]*: //' | grep -v "^(engWEB" | grep -v '^\s*$' > "$work/calibration.txt"
variants=("squeeze4:--bits 4" "squeeze4-dense:--bits 4 --outliers 0 --sensitive 0" "rtn4:--bits 4 --method rtn"
          "squeeze3:--bits 3" "squeeze3-dense:--bits 3 --outliers 0 --sensitive 0" "rtn3:--bits 3 --method rtn")
[ -z "$fisher" ] || variants+=("fisher4:--bits 4 --sensitivity $fisher" "fisher3:--bits 3 --sensitivity $fisher")
for v in "${variants[@]}"; do
  name=${v%%:*} flags=${v#*:}
  # shellcheck disable=SC2086
  ./sieve quantize models/sieve-lm/model.onnx $flags --calibration "$work/calibration.txt" --out "$work/$name" 2> "$work/$name.quantize.log"
done
eval_one() { # name path operators
  ./sieve eval lm --model "$1" --contexts 1024 --windows "$windows" --lengths 512 --per-cell 1 \
    --set "Sieve:Models:$1:Path=$2" --set "Sieve:Models:$1:Tokenizer=$(dirname "$2")/tokenizer_config.json" \
    --set "Sieve:Models:$1:MaxSequenceLength=4096" "${@:3}" > "$work/$1.eval.txt" 2> "$work/$1.eval.log"
}
eval_one fp32 "$PWD/models/sieve-lm/model.onnx"
for v in "${variants[@]}"; do
  name=${v%%:*}
  if [[ $name == rtn* ]]; then eval_one "$name" "$work/$name/model.onnx"
  else eval_one "$name" "$work/$name/model.onnx" --set Sieve:Operators:weight-quant:Use=dense-and-sparse; fi
done
echo done > "$work/DONE"
