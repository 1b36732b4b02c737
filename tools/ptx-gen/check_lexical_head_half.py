"""Offline check of LexicalHeadHalfKernel without a GPU: runs its PTX (ILGPU's PTXBackend output for
LexicalHeadHalfKernel.Run) in ptxsim.py against an fp64 reference of the lexical head from the same fp16 inputs, both
epilogues: the fused weights [B, V] and the reference's logits [B, S, V]. Shapes with partial token tiles, a vocabulary
that ends inside a group, an empty sequence, and several sequences per group. NaN surrounds every input and fills the
padding rows of the hidden states, so a read of them shows; the outputs start as a sentinel, so a stray write shows.
Usage: python3 check_lexical_head_half.py kernel.ptx [case[,case...]]   (needs numpy: Debian python3-numpy)"""
import sys, struct, time
import numpy as np
from ptxsim import parse, AsyncCopyCTA, guarded_memory, run_cases

D = 384
TERMS = 128
THREADS = 256
SHARED = 3 * 64 * D * 2  # LexicalHeadHalfKernel.SharedBytes


def run_case(label, B, S, V, lengths, groups_y, store_logits, seed, only_x=None):
    rng = np.random.default_rng(seed)
    h = rng.uniform(-2, 2, (B, S, D)).astype(np.float16)
    for b in range(B):
        h[b, lengths[b]:] = np.nan  # padding rows: never read
    vpad = (V + TERMS - 1) // TERMS * TERMS
    w = np.zeros((vpad, D), np.float16)
    w[:V] = rng.uniform(-1, 1, (V, D)) / np.sqrt(D)
    bias = rng.uniform(-1.5, 0.5, V).astype(np.float32)

    out_count = B * S * V if store_logits else B * V
    sentinel = np.float32(-12345.0)
    g, (ha, la, wa, ba, oa) = guarded_memory(h, np.array(lengths, np.int32), w, bias, np.full(out_count, sentinel, np.float32))
    pv = [struct.pack('<Q', ha), struct.pack('<Qq', la, B), struct.pack('<Q', wa), struct.pack('<Qq', ba, V), struct.pack('<Q', oa),
          struct.pack('<iiii', B, S, V, 1 if store_logits else 0)]
    grid = (vpad // TERMS, groups_y)
    t0 = time.time()
    for y in range(grid[1]):
        for x in range(grid[0]):
            if only_x is not None and x != only_x:
                continue
            AsyncCopyCTA(params, stmts, labels, pv, g, SHARED, (x, y), grid, threads=THREADS).run()
    out = np.frombuffer(g.b[oa:oa + 4 * out_count].tobytes(), np.float32)

    hv, wv = h.astype(np.float64), w[:V].astype(np.float64)
    cols = range(V) if only_x is None else range(only_x * TERMS, min(V, only_x * TERMS + TERMS))
    cols = np.array(list(cols))
    bad, worst, checked = 0, 0.0, 0
    if store_logits:
        out = out.reshape(B, S, V)
        for b in range(B):
            n = lengths[b]
            ref = hv[b, :n] @ wv[cols].T
            got = out[b, :n][:, cols]
            tol = 1e-4 + 1e-4 * np.abs(ref)
            err = np.abs(got - ref)
            wrong = ~(err <= tol)
            rest = out[b, n:][:, cols] != sentinel  # padding tokens are never written
            checked += ref.size
            if ref.size:
                worst = max(worst, float(np.nanmax(np.where(np.isfinite(err), err / tol, np.inf))))
            bad += int(wrong.sum() + rest.sum())
            for s, v in np.argwhere(wrong)[:4]:
                print(f"    b {b} token {s} term {cols[v]}: got {got[s, v]}, expected {ref[s, v]}")
            if rest.any():
                print(f"    b {b}: wrote {int(rest.sum())} logits of padding tokens")
    else:
        out = out.reshape(B, V)
        for b in range(B):
            n = lengths[b]
            ref = np.zeros(len(cols)) if n == 0 else np.log1p(np.maximum((hv[b, :n] @ wv[cols].T).max(axis=0) + bias[cols], 0))
            got = out[b, cols]
            tol = 1e-4 + 1e-4 * np.abs(ref)
            err = np.abs(got - ref)
            wrong = ~(err <= tol)
            checked += ref.size
            worst = max(worst, float(np.nanmax(np.where(np.isfinite(err), err / tol, np.inf))))
            bad += int(wrong.sum())
            for v in np.argwhere(wrong)[:4].ravel():
                print(f"    b {b} term {cols[v]}: got {got[v]}, expected {ref[v]}")
    print(f"{label}: B{B} S{S} V{V} lengths={lengths} sequence groups {groups_y} {'logits' if store_logits else 'fused'}: "
          f"{checked} values, worst err/tol {worst:.3g}, bad {bad}, {time.time() - t0:.1f}s", flush=True)
    return bad == 0


ptx = open(sys.argv[1]).read()
params, stmts, labels = parse(ptx)
cases = {
    # partial tiles (150 = 64 + 64 + 22), an empty sequence, two sequences in one group, V ending inside the last group
    '1': lambda: run_case('fused', 3, 150, 300, [150, 0, 70], 2, False, 1),
    '2': lambda: run_case('logits', 3, 150, 300, [150, 0, 70], 2, True, 2),
    # one group walks four sequences of every kind of last tile (64 exactly, 1 token, 65, 128)
    '3': lambda: run_case('fused, one group', 4, 128, 128, [64, 1, 65, 128], 1, False, 3),
    '4': lambda: run_case('logits, one group', 4, 128, 128, [64, 1, 65, 128], 1, True, 4),
}
run_cases(cases, sys.argv)
