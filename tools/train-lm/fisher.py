"""Diagonal Fisher information of sieve-lm's weight matrices, for `sieve quantize --sensitivity F` (issue 19).

  python3 fisher.py --model models/sieve-lm/model.onnx --data .data/train-lm --out fisher.safetensors \
      [--windows 32] [--context 512] [--seed 0]

SqueezeLLM's sensitivity: per weight, the mean over calibration samples of the squared gradient of the language-model
loss (one sample = one window of training text, so each squared gradient is one sample's). The weights are read from
the ONNX file itself (the fp16 initializers export.py wrote, `l{L}.{wq,wk,wv,wo,w_gate,w_up,w_down}_fp16` in the MatMul's
[K, N] layout), so the Fisher belongs to exactly the shipped model; the result is keyed by those initializer names and
laid out [K, N] (a PyTorch Linear's weight.grad is [N, K]: transposed here). Calibration text: random windows of the
training stream (train.u16; never the held-out text the evaluation scores). Runs on the GPU or, for this 7.6M-parameter
model, on a CPU in a few minutes.
"""
import argparse
import json
import os
import struct
import sys
import time

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import LM, Config  # noqa: E402
from train import load_tokens  # noqa: E402

MATRICES = ("wq", "wk", "wv", "wo", "w_gate", "w_up", "w_down")


def load_from_onnx(path, manifest):
    """The LM with the ONNX file's weights (fp16 values, fp32 compute)."""
    inits = {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}
    cfg = Config(**dict(manifest["recipe"]["config"], dropout=0.0, attn_dropout=0.0))
    model = LM(cfg)
    state = {"embed.weight": inits["embed_fp16"], "norm.weight": inits["final_norm_fp16"]}
    for L in range(cfg.n_layer):
        state[f"blocks.{L}.attn_norm.weight"] = inits[f"l{L}.attn_norm_fp16"]
        state[f"blocks.{L}.mlp_norm.weight"] = inits[f"l{L}.mlp_norm_fp16"]
        for name in MATRICES:
            state[f"blocks.{L}.{name}.weight"] = inits[f"l{L}.{name}_fp16"].T     # ONNX [K, N] -> Linear [N, K]
    model.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32)) for k, v in state.items()})
    return model.eval(), cfg


def write_safetensors(path, tensors, metadata):
    """tensors: name -> float32 array (row-major)."""
    header, offset, blobs = {"__metadata__": metadata}, 0, []
    for name, arr in tensors.items():
        data = np.ascontiguousarray(arr, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True, help="models/sieve-lm/model.onnx (its manifest.json beside it)")
    ap.add_argument("--data", required=True, help="prepare.py's folder (train.u16.xz)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--windows", type=int, default=32)
    ap.add_argument("--context", type=int, default=512)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    t0 = time.time()
    manifest = json.load(open(os.path.join(os.path.dirname(a.model), "manifest.json")))
    model, cfg = load_from_onnx(a.model, manifest)
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    model.to(dev)
    train = load_tokens(a.data, "train.u16").astype(np.int64)
    rng = np.random.default_rng(a.seed)
    starts = rng.integers(0, len(train) - a.context - 1, size=a.windows)
    params = {(L, name): model.blocks[L].__getattr__(name).weight for L in range(cfg.n_layer) for name in MATRICES}
    fisher = {key: torch.zeros_like(p) for key, p in params.items()}
    loss_sum = 0.0
    for s in starts:
        w = torch.from_numpy(train[s:s + a.context + 1]).to(dev)[None]
        model.zero_grad(set_to_none=True)
        loss = model(w[:, :-1], w[:, 1:]).mean()
        loss.backward()
        loss_sum += loss.item()
        for key, p in params.items():
            fisher[key] += p.grad.detach() ** 2
    tensors = {f"l{L}.{name}_fp16": (f / len(starts)).T.cpu().numpy() for (L, name), f in fisher.items()}   # [K, N]
    write_safetensors(a.out, tensors, {
        "what": "diagonal Fisher information: mean over samples of the squared gradient of the LM loss",
        "model": os.path.basename(a.model), "samples": str(len(starts)), "context": str(a.context),
        "tokens": str(len(starts) * a.context), "text": "random windows of train.u16 (training text)", "seed": str(a.seed)})
    print(f"{len(tensors)} tensors, {len(starts)} windows x {a.context} tokens, mean loss {loss_sum / len(starts):.4f}, "
          f"{time.time() - t0:.0f}s on {dev} -> {a.out}")


if __name__ == "__main__":
    main()
