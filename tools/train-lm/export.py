"""Export a trained checkpoint to ONNX (opset 17, plain ops) with onnx.helper, then verify it.

  python3 export.py --ckpt CKPT_DIR/best.pt --data DATA_DIR --out models/sieve-lm [--eval-json eval.json]

Graph interface (fixed; the C# host is written against it):
  inputs  input_ids int64 [batch, seq]; attention_mask int64 [batch, past_seq + seq] (1 real, 0 pad, prompts
          left-padded); position_ids int64 [batch, seq]; past_key_values.N.key / .value float32
          [batch, kv_heads, max_seq, head_size] for N in 0..layers-1: the whole cache buffer, of which the first
          past_seq positions are filled (past_seq = attention_mask's length - seq).
  outputs logits float32 [batch, seq, vocab]; present.N.key / .value float32 [batch, kv_heads, max_seq, head_size]
          = ScatterElements(past, new at positions past_seq .. past_seq + seq - 1, axis 2) (new keys after RoPE).
  The host binds past and present of a layer to the same memory: ONNX Runtime's ScatterElements skips its copy when
  input and output are one buffer, so a step writes only its new keys and values (no per-step copy of the cache).
  Attention reads all max_seq positions; the mask hides the ones after past_seq + seq (zeros in a fresh buffer).
Weights are fp16 initializers followed by Cast to float32; all compute is float32.
Verification: onnx.checker; if onnxruntime is importable, ORT vs PyTorch logits (max abs diff), and greedy
decoding with the KV cache vs. full forward (tokens must be identical). Fails loudly (exit 1) if off.
"""
import argparse
import hashlib
import json
import math
import os
import shutil
import sys

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import LM, Config  # noqa: E402


class G:
    """Tiny graph builder: unique names, nodes, fp16 weights with a Cast to fp32."""

    def __init__(self):
        self.nodes, self.inits, self.n = [], [], 0

    def op(self, op_type, inputs, n_out=1, **attrs):
        outs = [f"{op_type.lower()}_{self.n}_{i}" for i in range(n_out)]
        self.n += 1
        self.nodes.append(helper.make_node(op_type, inputs, outs, name=f"{op_type}_{self.n}", **attrs))
        return outs[0] if n_out == 1 else outs

    def const(self, name, arr):
        self.inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def weight(self, name, t):
        """fp16 initializer + Cast to fp32."""
        self.const(name + "_fp16", t.detach().cpu().float().numpy().astype(np.float16))
        return self.op("Cast", [name + "_fp16"], to=TensorProto.FLOAT)


def build(model: LM):
    c = model.c
    hd, H, KV = c.head_dim, c.n_head, c.n_kv_head
    grp = H // KV
    g = G()
    i64 = lambda name, v: g.const(name, np.array(v, dtype=np.int64))  # noqa: E731
    ax_m1 = i64("axes_m1", [-1])
    ax_1 = i64("axes_1", [1])
    ax_2 = i64("axes_2", [2])
    ax_12 = i64("axes_1_2", [1, 2])
    eps = g.const("rms_eps", np.array(c.norm_eps, dtype=np.float32))

    def rmsnorm(x, w):
        ms = g.op("ReduceMean", [g.op("Mul", [x, x])], axes=[-1], keepdims=1)
        return g.op("Mul", [g.op("Div", [x, g.op("Sqrt", [g.op("Add", [ms, eps])])]), w])

    # shapes / mask [B,1,1,T,M] over the whole cache (M = max_seq)
    T = g.op("Gather", [g.op("Shape", ["input_ids"]), i64("idx1", 1)], axis=0)
    S = g.op("Gather", [g.op("Shape", ["attention_mask"]), g.inits[-1].name], axis=0)
    M = g.op("Gather", [g.op("Shape", ["past_key_values.0.key"]), i64("idx2", 2)], axis=0)   # max_seq
    zero, one = i64("zero", 0), i64("one", 1)
    past_len = g.op("Sub", [S, T])
    qpos = g.op("Add", [g.op("Range", [zero, T, one]), past_len])                        # [T]
    kpos = g.op("Range", [zero, M, one])                                                # [M]
    causal = g.op("LessOrEqual", [g.op("Unsqueeze", [kpos, i64("axes_0", [0])]), g.op("Unsqueeze", [qpos, ax_m1])])  # [T,M]
    pads = g.op("Concat", [i64("pads_head", [0, 0, 0]), g.op("Unsqueeze", [g.op("Sub", [M, S]), i64("axes_0b", [0])])], axis=0)
    am_full = g.op("Pad", ["attention_mask", pads, zero])                               # [B,M], 0 after S
    real = g.op("Unsqueeze", [g.op("Equal", [am_full, one]), ax_1])                     # [B,1,M]
    ok = g.op("And", [causal, real])                                                    # [B,T,M]
    mask = g.op("Unsqueeze", [g.op("Where", [ok, g.const("mask_zero", np.array(0.0, np.float32)),
                                              g.const("mask_neg", np.array(-1e9, np.float32))]), ax_12])

    # RoPE tables [B,1,T,hd]
    inv = 1.0 / (c.rope_theta ** (np.arange(0, hd, 2, dtype=np.float64) / hd))
    f = g.op("Mul", [g.op("Unsqueeze", [g.op("Cast", ["position_ids"], to=TensorProto.FLOAT), ax_m1]),
                     g.const("rope_inv_freq", inv.astype(np.float32))])
    emb = g.op("Unsqueeze", [g.op("Concat", [f, f], axis=-1), ax_1])
    cos, sin = g.op("Cos", [emb]), g.op("Sin", [emb])
    half_a, half_b, half_c = i64("rope_0", [0]), i64("rope_h", [hd // 2]), i64("rope_hd", [hd])
    ax3 = i64("axes_3", [3])

    def rope(x):
        x1 = g.op("Slice", [x, half_a, half_b, ax3])
        x2 = g.op("Slice", [x, half_b, half_c, ax3])
        rot = g.op("Concat", [g.op("Neg", [x2]), x1], axis=-1)
        return g.op("Add", [g.op("Mul", [x, cos]), g.op("Mul", [rot, sin])])

    shp_q = i64("shape_q", [0, 0, H, hd])
    shp_kv = i64("shape_kv", [0, 0, KV, hd])
    shp_qg = i64("shape_qgroup", [0, KV, grp, -1, hd])
    shp_y = i64("shape_yheads", [0, H, -1, hd])
    shp_o = i64("shape_out", [0, 0, H * hd])
    scale = g.const("attn_scale", np.array(1.0 / math.sqrt(hd), np.float32))

    # where this step's keys and values go in the cache: positions past_len + t, as ScatterElements indices
    # [B, kv_heads, T, hd] (broadcast from [1, 1, T, 1])
    write_at = g.op("Unsqueeze", [qpos, i64("axes_0_1_3", [0, 1, 3])])
    write_shape = g.op("Concat", [g.op("Shape", ["input_ids"]), i64("kv_hd", [KV, hd])], axis=0)     # [B, T, KV, hd]
    write_idx = g.op("Expand", [write_at, g.op("Gather", [write_shape, i64("perm_bkth", [0, 2, 1, 3])], axis=0)])

    embed = g.weight("embed", model.embed.weight)
    x = g.op("Gather", [embed, "input_ids"], axis=0)
    inputs = [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
              helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "total_seq"]),
              helper.make_tensor_value_info("position_ids", TensorProto.INT64, ["batch", "seq"])]
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "seq", c.vocab_size])]
    for L, b in enumerate(model.blocks):
        pk, pv = f"past_key_values.{L}.key", f"past_key_values.{L}.value"
        inputs += [helper.make_tensor_value_info(n, TensorProto.FLOAT, ["batch", KV, "max_seq", hd]) for n in (pk, pv)]
        h = rmsnorm(x, g.weight(f"l{L}.attn_norm", b.attn_norm.weight))
        proj = lambda w, name: g.op("MatMul", [h, g.weight(f"l{L}.{name}", w.weight.t())])  # noqa: E731
        q = rope(g.op("Transpose", [g.op("Reshape", [proj(b.wq, "wq"), shp_q])], perm=[0, 2, 1, 3]))
        k = rope(g.op("Transpose", [g.op("Reshape", [proj(b.wk, "wk"), shp_kv])], perm=[0, 2, 1, 3]))
        v = g.op("Transpose", [g.op("Reshape", [proj(b.wv, "wv"), shp_kv])], perm=[0, 2, 1, 3])
        g.nodes.append(helper.make_node("ScatterElements", [pk, write_idx, k], [f"present.{L}.key"], axis=2, name=f"present_k_{L}"))
        g.nodes.append(helper.make_node("ScatterElements", [pv, write_idx, v], [f"present.{L}.value"], axis=2, name=f"present_v_{L}"))
        outputs += [helper.make_tensor_value_info(f"present.{L}.{n}", TensorProto.FLOAT, ["batch", KV, "max_seq", hd])
                    for n in ("key", "value")]
        qg = g.op("Reshape", [q, shp_qg])                                                   # [B,KV,g,T,hd]
        kt = g.op("Transpose", [g.op("Unsqueeze", [f"present.{L}.key", ax_2])], perm=[0, 1, 2, 4, 3])  # [B,KV,1,hd,S]
        s = g.op("Add", [g.op("Mul", [g.op("MatMul", [qg, kt]), scale]), mask])             # [B,KV,g,T,S]
        p = g.op("Softmax", [s], axis=-1)
        y = g.op("MatMul", [p, g.op("Unsqueeze", [f"present.{L}.value", ax_2])])            # [B,KV,g,T,hd]
        y = g.op("Reshape", [g.op("Transpose", [g.op("Reshape", [y, shp_y])], perm=[0, 2, 1, 3]), shp_o])
        x = g.op("Add", [x, g.op("MatMul", [y, g.weight(f"l{L}.wo", b.wo.weight.t())])])
        h = rmsnorm(x, g.weight(f"l{L}.mlp_norm", b.mlp_norm.weight))
        gate = g.op("MatMul", [h, g.weight(f"l{L}.w_gate", b.w_gate.weight.t())])
        up = g.op("MatMul", [h, g.weight(f"l{L}.w_up", b.w_up.weight.t())])
        act = g.op("Mul", [g.op("Mul", [gate, g.op("Sigmoid", [gate])]), up])
        x = g.op("Add", [x, g.op("MatMul", [act, g.weight(f"l{L}.w_down", b.w_down.weight.t())])])
    h = rmsnorm(x, g.weight("final_norm", model.norm.weight))
    g.nodes.append(helper.make_node("MatMul", [h, g.op("Transpose", [embed], perm=[1, 0])], ["logits"], name="lm_head"))
    graph = helper.make_graph(g.nodes, "sieve-lm", inputs, outputs, g.inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="sieve tools/train-lm")
    m.ir_version = 8
    return m


def fp16_round(model):
    """Round weights to fp16 (what the ONNX file stores) so PyTorch references match the file."""
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.half().float())
    return model


def load_model(path):
    ck = torch.load(path, map_location="cpu", weights_only=False)
    cfg = Config(**dict(ck["config"], dropout=0.0))
    m = LM(cfg)
    m.load_state_dict(ck["model"])
    return fp16_round(m.eval()), ck


def verify(model, onnx_path, val, report):
    c = model.c
    rng = np.random.default_rng(0)
    # batch of 2, second row left-padded by 5
    T = 48
    ids = np.stack([val[100:100 + T], val[500:500 + T]]).astype(np.int64)
    am = np.ones_like(ids)
    am[1, :5] = 0
    ids[1, :5] = 0
    pos = np.clip(np.cumsum(am, 1) - 1, 0, None)
    with torch.no_grad():
        ref, _ = model.forward_cached(torch.tensor(ids), torch.tensor(am), torch.tensor(pos), model.empty_past(2))
        full = model(torch.tensor(ids[:1]))
    d_paths = float((ref[0] - full[0]).abs().max())
    report["torch_cached_vs_training_path_max_abs_diff"] = d_paths
    print(f"torch forward_cached vs training forward: max abs diff {d_paths:.2e}")
    ok = d_paths < 1e-3
    try:
        import onnxruntime as ort
    except ImportError:
        print("onnxruntime not importable here: ORT verification SKIPPED")
        report["onnxruntime"] = "skipped (not installed)"
        return ok
    so = ort.SessionOptions()
    sess = ort.InferenceSession(onnx_path, so, providers=["CPUExecutionProvider"])
    report["onnxruntime"] = ort.__version__

    def run(ids, am, pos, past):
        feed = {"input_ids": ids, "attention_mask": am, "position_ids": pos}
        for L in range(c.n_layer):
            feed[f"past_key_values.{L}.key"], feed[f"past_key_values.{L}.value"] = past[L]
        out = sess.run(None, feed)
        return out[0], [(out[1 + 2 * L], out[2 + 2 * L]) for L in range(c.n_layer)]

    def empty(max_seq):
        return [(np.zeros((2, c.n_kv_head, max_seq, c.head_dim), np.float32),) * 2 for _ in range(c.n_layer)]

    steps = 12
    logits, _ = run(ids, am, pos, empty(T + steps))
    d = float(np.abs(logits - ref.numpy())[am.astype(bool)].max())
    report["ort_vs_torch_logits_max_abs_diff"] = d
    print(f"ORT vs PyTorch logits (real positions, left-padded batch of 2): max abs diff {d:.2e}")
    ok &= d < 2e-3
    # greedy decode with the cache (one buffer of T + steps positions, present fed back as past) vs. full forward
    cur_ids, cur_am = ids.copy(), am.copy()
    lg, past = run(ids, am, pos, empty(T + steps))
    cache_tokens = []
    for s in range(steps):
        nxt = lg[:, -1].argmax(-1)
        cache_tokens.append(nxt)
        cur_am = np.concatenate([cur_am, np.ones((2, 1), np.int64)], 1)
        p = (np.cumsum(cur_am, 1) - 1)[:, -1:]
        lg, past = run(nxt[:, None].astype(np.int64), cur_am, p, past)
    full_tokens = []
    for s in range(steps):
        p = np.clip(np.cumsum(cur_ids * 0 + cur_am[:, :cur_ids.shape[1]], 1) - 1, 0, None)
        lg2, _ = run(cur_ids, cur_am[:, :cur_ids.shape[1]], p, empty(cur_ids.shape[1]))
        nxt = lg2[:, -1].argmax(-1)
        full_tokens.append(nxt)
        cur_ids = np.concatenate([cur_ids, nxt[:, None]], 1)
    same = bool(np.array_equal(np.stack(cache_tokens), np.stack(full_tokens)))
    report["greedy_cache_equals_full_forward"] = same
    report["greedy_tokens_row0"] = [int(t) for t in np.stack(cache_tokens)[:, 0]]
    print(f"greedy {steps} tokens with KV cache == full forward: {same}")
    return ok and same


def sha256(p):
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for blk in iter(lambda: f.read(1 << 20), b""):
            h.update(blk)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--eval-json", default=None, help="eval.py results to put in the manifest")
    ap.add_argument("--train-log", default=None)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    model, ck = load_model(a.ckpt)
    m = build(model)
    onnx.checker.check_model(m)
    onnx.shape_inference.infer_shapes(m, strict_mode=True)
    path = os.path.join(a.out, "model.onnx")
    onnx.save(m, path)
    size = os.path.getsize(path)
    print(f"wrote {path}: {size / 2**20:.2f} MiB, {len(m.graph.node)} nodes")
    for f in ("vocab.json", "merges.txt", "tokenizer_config.json"):
        shutil.copy(os.path.join(a.data, "tokenizer", f), os.path.join(a.out, f))

    from train import load_tokens
    val = load_tokens(a.data, "val.u16").astype(np.int64)
    report = {}
    ok = verify(model, path, val, report)

    data = json.load(open(os.path.join(a.data, "data.json")))
    c = model.c
    trained = Config(**ck["config"])     # as trained (the exported model runs with dropout off)
    args = ck.get("args", {})
    manifest = {
        "name": "sieve-lm",
        "recipe": {"architecture": "decoder-only transformer: RoPE (rotate-half), grouped-query attention, "
                                   "RMSNorm (pre-norm), SwiGLU MLP, tied input/output embeddings, no biases",
                   "config": trained.to_dict(), "head_dim": c.head_dim, "parameters": model.n_params(),
                   "train_context": args.get("ctx"),
                   "context_stages": args.get("ctx_stages", "") + " (CTX:UNTIL_FRACTION of training time; then train_context)",
                   "dropout": {"residual_and_mlp": trained.dropout, "attention": trained.attention_dropout},
                   "optimizer": "AdamW(0.9, 0.95), grad clip 1.0",
                   "lr": args.get("lr"), "weight_decay": args.get("wd"), "warmup_steps": args.get("warmup"),
                   "schedule": "linear warmup, cosine over training time to min_lr_frac*lr",
                   "min_lr_frac": args.get("min_lr_frac"), "batch_tokens": args.get("batch_tokens"),
                   "synthetic_retrieval_fraction": args.get("synth_frac"),
                   "synthetic_retrieval": {"rows": args.get("synth_frac"), "passkey_share": args.get("passkey_share", 0.5),
                                           "packing": "several examples per row, log-uniform lengths 128..ctx, "
                                                      "at most one pass key and no repeated key name per row"
                                           if "answer_weight" in args else "one example at the end of a row",
                                           "answer_loss_weight": args.get("answer_weight", 1.0),
                                           "copy_rows": args.get("copy_frac", 0.0)},
                   "precision": "bf16 autocast",
                   "seed": args.get("seed"), "script": "tools/train-lm/train.py"},
        "training": {"steps": ck["step"], "tokens_seen": ck["tokens_seen"], "train_seconds": round(ck["train_seconds"]),
                     "best_val_loss_during_training": ck["best_val"],
                     "checkpoint_selection": ck.get("selection", "lowest held-out val loss (best.pt)"),
                     "history": ck["history"]},
        "data": data,
        "onnx": {"opset": 17, "weights": "fp16 initializers + Cast to float32, compute float32",
                 "attention": "Q [B,H,T,hd] -> [B,kvH,group,T,hd]; K present -> [B,kvH,1,hd,M]; "
                              "MatMul, Mul by 1/sqrt(hd) (after the MatMul), Add mask [B,1,1,T,M] "
                              "(0 or -1e9), Softmax(-1), MatMul V [B,kvH,1,M,hd]; M = max_seq (the cache buffer)",
                 "kv_cache": "past_key_values.N.* and present.N.* are the whole buffer [B,kvH,max_seq,hd]; the step's "
                             "keys/values are written at positions past_seq.. by ScatterElements (axis 2); bind past "
                             "and present to the same memory and ONNX Runtime writes in place",
                 "inputs": [i.name for i in m.graph.input], "outputs": [o.name for o in m.graph.output],
                 "position_ids": "host computes them: cumsum(attention_mask)-1 (clamped at 0) for left padding",
                 "eot_token_id": data["special_tokens"]["<|endoftext|>"]},
        "verification": report,
    }
    if a.eval_json and os.path.exists(a.eval_json):
        manifest["eval"] = json.load(open(a.eval_json))
    files = {}
    for f in sorted(os.listdir(a.out)):
        if f != "manifest.json":
            files[f] = {"bytes": os.path.getsize(os.path.join(a.out, f)), "sha256": sha256(os.path.join(a.out, f))}
    manifest["files"] = files
    json.dump(manifest, open(os.path.join(a.out, "manifest.json"), "w"), indent=1)
    print(json.dumps(report, indent=1))
    if not ok:
        print("VERIFICATION FAILED", file=sys.stderr)
        sys.exit(1)
    print("export OK")


if __name__ == "__main__":
    main()
