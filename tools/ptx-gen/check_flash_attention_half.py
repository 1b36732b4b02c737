"""Offline check of FlashAttentionHalfKernel without a GPU: runs its PTX (ILGPU's PTXBackend output for
FlashAttentionHalfKernel.Run) in ptxsim.py against an fp64 reference on small shapes.
Usage: python3 check_flash_attention_half.py kernel.ptx [case[,case...]]   (needs numpy: Debian python3-numpy)"""
import sys, struct, math, time
import numpy as np
from ptxsim import parse, CTA, Mem

ptx = open(sys.argv[1]).read()
params, stmts, labels = parse(ptx)
D = 128

def reference(q, k, v, scale, causal, blocks, Hq, Hkv, T, S):
    B = q.shape[0]; grp = Hq // Hkv
    o = np.zeros(q.shape, np.float64)
    for b in range(B):
        for h in range(Hq):
            kh = h // grp
            s = q[b, h].astype(np.float64) @ k[b, kh].astype(np.float64).T * scale
            allow = np.ones((T, S), bool)
            if causal:
                allow &= (np.arange(S)[None, :] <= np.arange(T)[:, None] + S - T)
            if blocks is not None:
                bm = np.zeros((T, S), bool)
                for qb in range(T // 64):
                    for kb in blocks[b][kh][qb]:
                        bm[qb*64:(qb+1)*64, kb*64:(kb+1)*64] = True
                allow &= bm
            s = np.where(allow, s, -np.inf)
            mx = s.max(axis=1, keepdims=True)
            mx = np.where(np.isfinite(mx), mx, 0)
            p = np.exp(s - mx)
            l = p.sum(axis=1, keepdims=True)
            o[b, h] = np.where(l > 0, (p @ v[b, kh].astype(np.float64)) / np.where(l > 0, l, 1), 0)
    return o

def run_case(B, Hq, Hkv, T, S, causal, blocks, seed, only=None, spread=1.0):
    rng = np.random.default_rng(seed)
    q = (rng.standard_normal((B, Hq, T, D)) * spread).astype(np.float16)
    k = (rng.standard_normal((B, Hkv, S, D)) * 1.0).astype(np.float16)
    v = rng.standard_normal((B, Hkv, S, D)).astype(np.float16)
    scale = 1 / math.sqrt(D)
    offs = idx = None
    if blocks is not None:
        offs = [0]; idx = []
        for b in range(B):
            for kh in range(Hkv):
                for qb in range(T // 64):
                    idx += blocks[b][kh][qb]; offs.append(len(idx))
        offs = np.array(offs, np.int32); idx = np.array(idx if idx else [0], np.int32)
    # global memory layout
    pos = 0x1000
    def place(arr):
        nonlocal pos
        a = pos; pos += (arr.nbytes + 255) // 256 * 256 + 256
        return a
    qa, ka, va = place(q), place(k), place(v)
    oa = place(q)
    oo = place(offs) if offs is not None else 0
    ia = place(idx) if idx is not None else 0
    g = Mem(pos + 4096)
    def put(a, arr): g.b[a:a + arr.nbytes] = np.frombuffer(arr.tobytes(), np.uint8)
    put(qa, q); put(ka, k); put(va, v)
    g.b[oa:oa + q.nbytes] = 0xAB  # garbage
    if offs is not None: put(oo, offs); put(ia, idx)
    pv = [struct.pack('<Q', qa), struct.pack('<Q', ka), struct.pack('<Q', va), struct.pack('<Q', oa),
          struct.pack('<Qq', oo, len(offs) if offs is not None else 0),
          struct.pack('<Qq', ia, len(idx) if idx is not None else 0),
          struct.pack('<iiiiiif', Hq, Hq // Hkv, Hkv, T, S, 1 if causal else 0, scale * math.log2(math.e))]
    grid = (T // 64, B * Hq)
    t0 = time.time()
    for y in range(grid[1]):
        for x in range(grid[0]):
            if only and (x, y) not in only: continue
            CTA(params, stmts, labels, pv, g, 81920, (x, y), grid).run()
    out = np.frombuffer(g.b[oa:oa + q.nbytes].tobytes(), np.float16).reshape(q.shape).astype(np.float64)
    ref = reference(q, k, v, scale, causal, blocks, Hq, Hkv, T, S)
    err = np.abs(out - ref)
    tol = 2e-3 + 1e-2 * np.abs(ref)
    bad = (err > tol) | ~np.isfinite(out)
    print(f"B{B} Hq{Hq} Hkv{Hkv} T{T} S{S} causal={causal} blocks={'csr' if blocks is not None else 'dense'}: "
          f"max err {err.max():.4g}, bad {bad.sum()}/{bad.size}, {time.time()-t0:.1f}s", flush=True)
    if bad.any():
        i = np.argwhere(bad)[:5]
        for b, h, t, d in i: print("   ", (b, h, t, d), out[b, h, t, d], ref[b, h, t, d])
    return not bad.any()

ok = True
chosen = set(sys.argv[2].split(',')) if len(sys.argv) > 2 else {'all'}  # e.g. 1,4
if {'all', '1'} & chosen: ok &= run_case(1, 2, 1, 64, 64, False, None, 1)
if {'all', '2'} & chosen: ok &= run_case(1, 4, 2, 128, 192, True, None, 2)
if {'all', '3'} & chosen: ok &= run_case(1, 2, 1, 192, 128, True, None, 3)
if {'all', '4'} & chosen: ok &= run_case(1, 2, 2, 128, 256, False, None, 4)
if {'all', '5'} & chosen:
    B, Hkv, T = 2, 1, 128
    blocks = [[[[0, 2], [1]]], [[[], [0, 1, 3]]]]
    ok &= run_case(B, 2, Hkv, T, 256, False, blocks, 5)
if {'all', '6'} & chosen:
    blocks = [[[[0, 2], [1, 2, 3]]]]
    ok &= run_case(1, 2, 1, 128, 256, True, blocks, 6)
if {'all', '7'} & chosen:  # wide scores: the running max moves a lot between blocks
    ok &= run_case(1, 1, 1, 64, 256, False, None, 7, spread=4.0)
print("ALL OK" if ok else "FAILURES")
