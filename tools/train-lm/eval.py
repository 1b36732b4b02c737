"""Held-out evaluation of a checkpoint (weights rounded to fp16 as in the ONNX file, compute fp32).

  python3 eval.py --ckpt CKPT_DIR/best.pt --data DATA_DIR --out eval.json [--contexts 1024 4096] [--max-length 8192]

- perplexity on the held-out token stream (val.u16) in non-overlapping windows of each context length
  (every token of a window is scored, so the mean context is about half the window);
- pass-key accuracy on passkey_eval.json (held-out filler, seed 20240601): greedy generation of the
  answer digits after "What is the pass key? The pass key is"; exact match of all digits.
"""
import argparse
import json
import math
import os
import sys
import time
from collections import defaultdict

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export import load_model  # noqa: E402
from train import load_tokens  # noqa: E402


@torch.no_grad()
def perplexity(model, val, ctx, dev, max_windows=None):
    n = (len(val) - 1) // ctx
    if max_windows:
        n = min(n, max_windows)
    tot, cnt = 0.0, 0
    for i in range(n):
        w = torch.from_numpy(val[i * ctx:i * ctx + ctx + 1]).to(dev)[None]
        l = model(w[:, :-1], w[:, 1:])
        tot += l.double().sum().item()
        cnt += l.numel()
    return {"context": ctx, "windows": n, "tokens": cnt, "loss": tot / cnt, "perplexity": math.exp(tot / cnt)}


@torch.no_grad()
def passkey(model, items, dev):
    by_len, by_depth, by_cell = defaultdict(list), defaultdict(list), defaultdict(list)
    for it in items:
        ids = torch.tensor(it["prompt"], device=dev)[None]
        out = []
        for _ in range(len(it["answer"])):
            nxt = model(ids)[0, -1].argmax().item()
            out.append(nxt)
            ids = torch.cat([ids, torch.tensor([[nxt]], device=dev)], 1)
        ok = float(out == it["answer"])
        by_len[it["length"]].append(ok)
        by_depth[it["depth"]].append(ok)
        by_cell[f'{it["length"]}@{it["depth"]}'].append(ok)
    mean = lambda d: {str(k): round(sum(v) / len(v), 3) for k, v in d.items()}  # noqa: E731
    allv = [x for v in by_len.values() for x in v]
    return {"n": len(allv), "accuracy": round(sum(allv) / max(len(allv), 1), 3), "by_length": mean(by_len),
            "by_depth_percent": mean(by_depth), "by_length_at_depth": mean(by_cell),
            "prompt": "<held-out text with ' The pass key is DDDDD. Remember it.' at the depth>"
                      "\\nWhat is the pass key? The pass key is", "digits": 5, "per_cell": len(by_cell[next(iter(by_cell))])}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--contexts", type=int, nargs="+", default=[1024, 4096])
    ap.add_argument("--max-length", type=int, default=8192)
    ap.add_argument("--max-windows", type=int, default=None)
    ap.add_argument("--limit", type=int, default=None, help="passkey items (for quick local tests)")
    a = ap.parse_args()
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    if dev == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = False
    model, ck = load_model(a.ckpt)
    model.to(dev)
    t0 = time.time()
    val = load_tokens(a.data, "val.u16").astype(np.int64)
    res = {"checkpoint_step": ck["step"], "weights": "fp16-rounded, fp32 compute",
           "heldout_perplexity": [perplexity(model, val, c, dev, a.max_windows) for c in a.contexts]}
    for p in res["heldout_perplexity"]:
        print(f"held-out ppl @ {p['context']}: {p['perplexity']:.2f} ({p['tokens']} tokens)", flush=True)
    import lzma
    with lzma.open(os.path.join(a.data, "passkey_eval.json.xz"), "rt") as f:
        items = [x for x in json.load(f) if x["length"] <= a.max_length]
    if a.limit:
        items = items[:: max(1, len(items) // a.limit)]
    res["passkey"] = passkey(model, items, dev)
    print("passkey accuracy", res["passkey"]["accuracy"], "by length", res["passkey"]["by_length"],
          "by depth", res["passkey"]["by_depth_percent"], flush=True)
    res["eval_seconds"] = round(time.time() - t0, 1)
    json.dump(res, open(a.out, "w"), indent=1)


if __name__ == "__main__":
    main()
