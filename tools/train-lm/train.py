"""Time-boxed training of the Sieve LM.

  python3 train.py --data DIR --out CKPT_DIR --minutes 8 [--total-minutes 16] [--resume] [--ctx 4096]

DIR is prepare.py's output (train.u16[.xz], val.u16[.xz], tokenizer/, passkey.json).
The learning-rate schedule follows the fraction of --total-minutes of training time spent, so a run split
over two calls (the second with --resume) follows one warmup+cosine curve. Keeps CKPT_DIR/last.pt (for
--resume) and CKPT_DIR/best.pt (lowest held-out loss). Fixed seed; logs tokens/s.
"""
import argparse
import json
import lzma
import math
import os
import random
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import LM, Config  # noqa: E402


def load_tokens(data, name):
    p = os.path.join(data, name)
    if os.path.exists(p):
        return np.fromfile(p, dtype="<u2")
    with lzma.open(p + ".xz") as f:
        return np.frombuffer(f.read(), dtype="<u2").copy()


class Synth:
    """On-the-fly long-range retrieval examples built from token pieces (see prepare.py) and real text."""

    def __init__(self, pieces, train, vocab, rng):
        self.p, self.train, self.rng = pieces, train, rng
        inv = {i: s for s, i in vocab.items()}
        # tokens that begin a word (byte-level 'Ġ' = space): cutting the filler before them keeps the
        # composed ids equal to what the tokenizer gives for the composed text
        self.word_start = np.array([inv.get(i, "").startswith("Ġ") for i in range(len(vocab))])
        self.nl = vocab["Ċ"]
        self.keys = list(pieces["keys"].values())

    def digits(self, n):
        d = [self.rng.randrange(10) for _ in range(n)]
        return [self.p["digits"]["space"][d[0]]] + [self.p["digits"]["plain"][x] for x in d[1:]]

    def filler(self, n):
        s = self.rng.randrange(0, len(self.train) - n - 1)
        f = self.train[s:s + n].astype(np.int64)
        f[f == self.p["eot"]] = self.nl
        return f

    def cut(self, f, frac):
        """Index near frac*len(f) where a word starts."""
        i = int(frac * len(f))
        while 0 < i < len(f) and not self.word_start[f[i]]:
            i += 1
        return min(i, len(f))

    def example(self, length):
        flat = lambda xs: [t for x in xs for t in x]  # noqa: E731
        if self.rng.random() < 0.5:      # pass key
            key = self.digits(self.rng.randint(4, 7))
            needles = [(self.rng.random(), self.p["needle_prefix"] + flat(key) + self.p["needle_suffix"])]
            tail = self.p["question"] + flat(key)
        else:                            # several key -> value pairs, ask one
            ks = self.rng.sample(self.keys, self.rng.randint(2, 6))
            vals = [self.digits(self.rng.randint(3, 6)) for _ in ks]
            needles = [(self.rng.random(), self.p["kv_prefix"] + k + self.p["kv_is"] + flat(v) + self.p["dot"])
                       for k, v in zip(ks, vals)]
            j = self.rng.randrange(len(ks))
            tail = self.p["kv_question"] + ks[j] + self.p["kv_question_mid"] + ks[j] + self.p["kv_is"] + flat(vals[j])
        tail = tail + self.p["dot"] + [self.p["eot"]]
        n_fill = max(16, length - len(tail) - sum(len(x) for _, x in needles))
        f = self.filler(n_fill)
        out, prev = [], 0
        for frac, nd in sorted(needles, key=lambda z: z[0]):
            c = max(prev, self.cut(f, frac))
            out.extend(f[prev:c].tolist())
            out.extend(nd)
            prev = c
        out.extend(f[prev:].tolist())
        return out + tail


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--minutes", type=float, default=8.0, help="wall-clock budget of this call")
    ap.add_argument("--total-minutes", type=float, default=None, help="schedule length (all calls)")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--ctx", type=int, default=4096)
    ap.add_argument("--batch-tokens", type=int, default=65536)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--min-lr-frac", type=float, default=0.1)
    ap.add_argument("--warmup", type=int, default=300)
    ap.add_argument("--wd", type=float, default=0.1)
    ap.add_argument("--synth-frac", type=float, default=0.15)
    ap.add_argument("--eval-seconds", type=float, default=45)
    ap.add_argument("--eval-windows", type=int, default=24)
    ap.add_argument("--compile", action="store_true")
    ap.add_argument("--seed", type=int, default=1234)
    # model size (ignored on --resume: the checkpoint's config wins)
    ap.add_argument("--d-model", type=int, default=256)
    ap.add_argument("--n-layer", type=int, default=8)
    ap.add_argument("--n-head", type=int, default=8)
    ap.add_argument("--n-kv-head", type=int, default=2)
    ap.add_argument("--ffn", type=int, default=688)
    ap.add_argument("--dropout", type=float, default=0.1)
    a = ap.parse_args()
    total_s = 60 * (a.total_minutes or a.minutes)
    t_start = time.time()
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    os.makedirs(a.out, exist_ok=True)
    log = open(os.path.join(a.out, "train.log"), "a")

    def say(*x):
        s = " ".join(str(v) for v in x)
        print(s, flush=True)
        log.write(s + "\n")
        log.flush()

    train = load_tokens(a.data, "train.u16")
    val = load_tokens(a.data, "val.u16")
    vocab = json.load(open(os.path.join(a.data, "tokenizer", "vocab.json"), encoding="utf-8"))
    pieces = json.load(open(os.path.join(a.data, "passkey.json")))

    ck = None
    if a.resume and os.path.exists(os.path.join(a.out, "last.pt")):
        ck = torch.load(os.path.join(a.out, "last.pt"), map_location="cpu", weights_only=False)
        cfg = Config(**ck["config"])
    else:
        cfg = Config(vocab_size=len(vocab), d_model=a.d_model, n_layer=a.n_layer, n_head=a.n_head,
                     n_kv_head=a.n_kv_head, ffn_hidden=a.ffn, dropout=a.dropout)
    torch.manual_seed(a.seed + (ck["step"] if ck else 0))
    rng = random.Random(a.seed + (ck["step"] if ck else 0))
    model = LM(cfg).to(dev)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": a.wd}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=a.lr, betas=(0.9, 0.95), eps=1e-8, **({"fused": True} if dev == "cuda" else {}))
    step, seen, train_s, best = 0, 0, 0.0, float("inf")
    history = []
    if ck:
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, seen, train_s, best, history = ck["step"], ck["tokens_seen"], ck["train_seconds"], ck["best_val"], ck["history"]
        say(f"resumed at step {step}, {seen} tokens, {train_s:.0f}s trained, best val {best:.4f}")
    say(f"config {cfg.to_dict()} params {model.n_params()} device {dev} "
        f"{torch.cuda.get_device_name() if dev == 'cuda' else ''} train tokens {len(train)} val tokens {len(val)}")
    fwd = torch.compile(model) if a.compile else model

    synth = Synth(pieces, train, vocab, rng)
    B = max(1, a.batch_tokens // a.ctx)
    train_t = torch.from_numpy(train.astype(np.int64))

    def batch():
        rows = []
        for _ in range(B):
            if rng.random() < a.synth_frac:
                ex = synth.example(rng.randint(128, a.ctx + 1))[-(a.ctx + 1):]
                s = rng.randrange(0, len(train) - a.ctx - 2)
                pre = train_t[s:s + a.ctx + 1 - len(ex)].tolist()
                if pre:
                    pre[-1] = pieces["eot"]
                rows.append(torch.tensor(pre + ex))
            else:
                s = rng.randrange(0, len(train) - a.ctx - 2)
                rows.append(train_t[s:s + a.ctx + 1])
        x = torch.stack(rows).to(dev, non_blocking=True)
        return x[:, :-1], x[:, 1:]

    val_t = torch.from_numpy(val.astype(np.int64))

    @torch.no_grad()
    def evaluate():
        model.eval()
        n = min(a.eval_windows, (len(val) - 1) // a.ctx)
        tot, cnt = 0.0, 0
        for i in range(n):
            w = val_t[i * a.ctx:i * a.ctx + a.ctx + 1].to(dev)[None]
            with torch.autocast(dev, dtype=torch.bfloat16, enabled=dev == "cuda"):
                l = model(w[:, :-1], w[:, 1:])
            tot += l.sum().item()
            cnt += l.numel()
        model.train()
        return tot / max(cnt, 1)

    def lr_at(step, frac):
        if step < a.warmup:
            return a.lr * (step + 1) / a.warmup
        frac = min(1.0, frac)
        return a.lr * (a.min_lr_frac + (1 - a.min_lr_frac) * 0.5 * (1 + math.cos(math.pi * frac)))

    def save(name):
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "config": cfg.to_dict(), "step": step,
                    "tokens_seen": seen, "train_seconds": train_s, "best_val": best, "history": history,
                    "args": vars(a)}, os.path.join(a.out, name + ".tmp"))
        os.replace(os.path.join(a.out, name + ".tmp"), os.path.join(a.out, name))

    model.train()
    budget = 60 * a.minutes - 25          # leave time for the final eval + save
    last_eval = time.time()
    t_log, tok_log = time.time(), 0
    while True:
        t0 = time.time()
        x, y = batch()
        lr = lr_at(step, train_s / total_s)
        for g in opt.param_groups:
            g["lr"] = lr
        with torch.autocast(dev, dtype=torch.bfloat16, enabled=dev == "cuda"):
            loss = fwd(x, y).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        seen += x.numel()
        tok_log += x.numel()
        if step % 50 == 0 or step == 1:
            lv = loss.item()          # syncs
            now = time.time()
            say(f"step {step} loss {lv:.4f} lr {lr:.2e} tok/s {tok_log / (now - t_log):.0f} seen {seen}")
            t_log, tok_log = now, 0
        train_s += time.time() - t0
        done = (time.time() - t_start) > budget or train_s >= total_s
        if time.time() - last_eval > a.eval_seconds or done:
            v = evaluate()
            history.append({"step": step, "tokens_seen": seen, "val_loss": v, "train_seconds": round(train_s, 1)})
            improved = v < best
            if improved:
                best = v
                save("best.pt")
            save("last.pt")
            say(f"eval step {step} val_loss {v:.4f} ppl {math.exp(v):.2f}{' (best)' if improved else ''}")
            last_eval = time.time()
        if done:
            break
    say(f"finished: step {step} tokens {seen} trained {train_s:.0f}s best val {best:.4f} ppl {math.exp(best):.2f}")


if __name__ == "__main__":
    main()
