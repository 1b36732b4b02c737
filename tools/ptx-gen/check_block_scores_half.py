"""Offline check of BlockScoresHalfKernel without a GPU: runs its PTX (ILGPU's PTXBackend output for
BlockScoresHalfKernel.Run) in ptxsim.py against an fp64 reference of BlockSelector's block scores (the oracle of
GpuBlockSelectionTests) on small shapes: causal and not, grouped heads, key bounds, partial query blocks, queries before
the first key, strides with gaps. Garbage (NaN) surrounds every input so that a read past the valid rows shows.
Usage: python3 check_block_scores_half.py kernel.ptx [case[,case...]]   (needs numpy)"""
import sys, struct, math, time
import numpy as np
from ptxsim import parse, AsyncCopyCTA, guarded_memory, run_cases

D = 128


def visible_count(c_count, length, kernel, stride, limit):
    return sum(1 for c in range(c_count) if min(length, c * stride + kernel) <= limit)


def reference(q, ck, starts, ends, B, Hq, Hkv, T, S, scale, causal, kernel, stride, max_blocks, tiles):
    """BlockSelector's scores per (kv row, query tile), in fp64, from the fp16 inputs the kernel reads."""
    grp = Hq // Hkv
    out = {}
    for b in range(B):
        start = max(0, starts[b]); length = max(0, min(S, ends[b]) - start)
        count = 0 if length <= 0 else max(1, (max(0, length - kernel) + stride - 1) // stride + 1)
        offset = S - T - start
        win = [(c * stride, min(length, c * stride + kernel)) for c in range(count)]
        for kh in range(Hkv):
            row = b * Hkv + kh
            keys = ck[row, :count].astype(np.float64)
            for qt in range(tiles):
                importance = np.zeros(count)
                for h in range(grp):
                    head = kh * grp + h
                    for i in range(qt * 64, min(T, qt * 64 + 64)):
                        vis = sum(1 for c in range(count) if win[c][1] <= i + 1 + offset) if causal else count
                        if vis == 0:
                            continue
                        s = keys[:vis] @ q[b, head, i].astype(np.float64) * scale
                        e = np.exp(s - s.max())
                        importance[:vis] += e / e.sum()
                blocks = np.zeros((length + 63) // 64)
                for c in range(count):
                    f, l = win[c]
                    for blk in range(f // 64, min((l - 1) // 64, len(blocks) - 1) + 1):
                        blocks[blk] = max(blocks[blk], importance[c])
                out[(row, qt)] = blocks
    return out


def run_case(label, B, Hq, Hkv, T, S, causal, starts, ends, seed, kernel=32, stride=16, spread=1.0, only=None):
    rng = np.random.default_rng(seed)
    grp = Hq // Hkv
    scale = 1 / math.sqrt(D)
    q = (rng.standard_normal((B, Hq, T, D)) * spread).astype(np.float16)
    k = rng.standard_normal((B, Hkv, S, D)).astype(np.float32)
    max_compressed = max(1, (max(0, S - kernel) + stride - 1) // stride + 1)
    tiles = (T + 63) // 64
    max_blocks = max(1, (S + 63) // 64)
    # compressed keys as CompressKeysKernel makes them (fp32 means of the valid keys), then rounded to fp16; rows past a
    # row's count are NaN here (zeros in the real buffer) to catch reads of them
    ck = np.full((B * Hkv, max_compressed, D), np.nan, np.float32)
    for b in range(B):
        start = max(0, starts[b]); length = max(0, min(S, ends[b]) - start)
        count = 0 if length <= 0 else max(1, (max(0, length - kernel) + stride - 1) // stride + 1)
        for kh in range(Hkv):
            for c in range(count):
                f, l = c * stride, min(length, c * stride + kernel)
                ck[b * Hkv + kh, c] = k[b, kh, start + f:start + l].mean(axis=0)
    ck = ck.astype(np.float16)

    rows = B * Hkv * tiles
    sentinel = np.float32(-12345.0)
    g, (qa, ca, sa_, ea, oa) = guarded_memory(q, ck, np.array(starts, np.int32), np.array(ends, np.int32),
                                              np.full(rows * max_blocks, sentinel, np.float32))
    pv = [struct.pack('<Q', qa), struct.pack('<Q', ca), struct.pack('<Qq', sa_, B), struct.pack('<Qq', ea, B), struct.pack('<Q', oa),
          struct.pack('<iiiiiifiiiii', Hq, Hkv, grp, T, S, 1 if causal else 0, scale * math.log2(math.e), tiles, max_compressed,
                      max_blocks, kernel, stride)]
    smem = 3 * 16384 + 2 * 1024 + 4 * ((max_compressed + 127) // 128 * 128)  # BlockScoresHalfKernel.SharedBytes
    grid = (tiles, B * Hkv)
    t0 = time.time()
    for y in range(grid[1]):
        for x in range(grid[0]):
            if only and (x, y) not in only:
                continue
            AsyncCopyCTA(params, stmts, labels, pv, g, smem, (x, y), grid).run()
    out = np.frombuffer(g.b[oa:oa + 4 * rows * max_blocks].tobytes(), np.float32).reshape(rows, max_blocks)
    ref = reference(q, ck, starts, ends, B, Hq, Hkv, T, S, scale, causal, kernel, stride, max_blocks, tiles)
    worst, bad, checked = 0.0, 0, 0
    for (row, qt), blocks in ref.items():
        if only and (tiles - 1 - qt, row) not in only:
            continue
        got = out[row * tiles + qt]
        n = len(blocks)
        err = np.abs(got[:n] - blocks)
        tol = 1e-4 + 2e-3 * np.abs(blocks)
        wrong = (err > tol) | ~np.isfinite(got[:n])
        rest = got[n:] != sentinel  # entries past the row's blocks are not written
        checked += n
        if n:
            worst = max(worst, float(np.nanmax(np.where(np.isfinite(err), err / (1e-4 + 2e-3 * np.abs(blocks)), np.inf))))
        if wrong.any() or rest.any():
            bad += int(wrong.sum() + rest.sum())
            for blk in np.argwhere(wrong)[:4].ravel():
                print(f"    row {row} tile {qt} block {blk}: got {got[blk]}, expected {blocks[blk]}")
            if rest.any():
                print(f"    row {row} tile {qt}: wrote past its {n} blocks: {got[n:][rest][:4]}")
    print(f"{label}: B{B} Hq{Hq} Hkv{Hkv} T{T} S{S} causal={causal} starts={starts} ends={ends} kernel={kernel} stride={stride}: "
          f"{checked} scores, worst err/tol {worst:.3g}, bad {bad}, {time.time() - t0:.1f}s", flush=True)
    return bad == 0


ptx = open(sys.argv[1]).read()
params, stmts, labels = parse(ptx)
cases = {
    # several compressed-key tiles (S = 1280: 79 keys), GQA group 4
    '1': lambda: run_case('causal', 1, 4, 1, 128, 1280, True, [0], [1280], 1),
    '2': lambda: run_case('dense', 1, 4, 1, 128, 1280, False, [0], [1280], 2),
    # key bounds: starts > 0, ends < S; two batches, two kv heads
    '3': lambda: run_case('causal bounds', 2, 8, 2, 128, 1344, True, [0, 37], [1344, 1244], 3),
    '4': lambda: run_case('dense bounds', 2, 8, 2, 64, 1344, False, [5, 37], [1300, 1100], 4),
    # a partial query block (T = 100) with bounds
    '5': lambda: run_case('causal partial', 1, 4, 1, 100, 1100, True, [13], [1090], 5),
    # T > S: the first queries see no key (whole groups with nothing to score)
    '6': lambda: run_case('causal T>S', 1, 4, 1, 384, 320, True, [0], [320], 6),
    # compressed keys with gaps between windows (kernel < stride, with the last window whole: every other block
    # overlaps no key and scores 0), and a sharper softmax
    '7': lambda: run_case('gaps', 1, 4, 1, 128, 2600, True, [10], [2586], 7, kernel=16, stride=128, spread=4.0),
    # an empty row (end ≤ start) next to a full one
    '8': lambda: run_case('empty row', 2, 4, 1, 64, 1088, True, [0, 500], [1088, 400], 8),
}
run_cases(cases, sys.argv)
