#!/usr/bin/env python3
"""Writes plugins/attention/Gpu/BlockScoresHalfKernel.Ptx.cs (path given as the argument): the unrolled inline-PTX blocks
of BlockScoresHalfKernel (head size 128). Registers named in PTX (%bs*) hold the per-warp state across the C# loop; one
literal % is %% for ILGPU. Layouts as in flash_attention_half.py (S = Q·CKᵀ is FlashAttentionHalfKernel's Scores)."""
import sys

from ptxgen import FULL, NEG_INF, ZERO, block, mma_pair, quad_reduce, write_constants

D = 128
NT = 8        # compressed-key n-tiles of 8 in a 64-key tile
KC = D // 16  # 16-wide k chunks of the head dimension (Q A-fragments)
ROW = D * 2   # bytes per smem row
TILE = 64 * ROW


consts = {}

# ---- declarations + per-lane ldmatrix addresses + lane-bit predicates.  %0 kRow, %1 xK, %2 lane
L = []
L.append(f".reg .b32 %%bsq<{KC*4}>;")
L.append(f".reg .f32 %%bss<{NT*4}>;")
L.append(".reg .f32 %%bsm<2>;")
L.append(".reg .f32 %%bsl<2>;")
L.append(".reg .f32 %%bsx<2>;")
L.append(".reg .f32 %%bsbest;")
L.append(f".reg .b32 %%bsk<{KC}>;")
L.append(".reg .pred %%bsp<3>;")
L.append(".reg .b32 %%bsb;")
L.append("mov.u32 %%bsb, __dyn_shared_alloca;")
L.append("{")
L.append(".reg .b32 %%t;")
for kc in range(KC):
    L.append(f"xor.b32 %%t, %1, {kc << 5};")
    L.append("add.u32 %%t, %%t, %0;")
    L.append(f"add.u32 %%bsk{kc}, %%t, %%bsb;")
for i, bit in enumerate((4, 8, 16)):  # lane bits 2, 3, 4 = bits 0, 1, 2 of g = lane / 4
    L.append(f"and.b32 %%t, %2, {bit};")
    L.append(f"setp.ne.s32 %%bsp{i}, %%t, 0;")
L.append("}")
consts["Init"] = ("Declares the warp's named registers, computes its K ldmatrix addresses into %bsk (buffer 0 relative) and the "
                  "lane-bit predicates %bsp of the column-sum exchange. %0: K row offset, %1: K column xor (bytes), %2: lane.", block(L, False))

# ---- tile load with zero fill: %0 smem byte offset of this thread's first chunk, %1 its global address, %2 rows left for
# this thread (its chunk j, row 8j further, is copied when 8j < %2, else zero-filled), %3 a readable global address.
L = [".reg .b32 %%s;", ".reg .b32 %%n;", ".reg .b64 %%g;", ".reg .b64 %%f;", ".reg .b64 %%a;", ".reg .pred %%p;",
     "add.u32 %%s, %%bsb, %0;", "cvta.to.global.u64 %%g, %1;", "cvta.to.global.u64 %%f, %3;"]
for j in range(TILE // (128 * 16)):
    L.append(f"setp.gt.s32 %%p, %2, {8 * j};")
    L.append("selp.b32 %%n, 16, 0, %%p;")
    L.append(f"add.s64 %%a, %%g, {j * 2048};")
    L.append("selp.b64 %%a, %%a, %%f, %%p;")
    L.append(f"cp.async.cg.shared.global [%%s+{j * 2048}], [%%a], 16, %%n;")
consts["LoadTile"] = ("Copies one 64-row fp16 tile to shared memory asynchronously, zero-filling rows past the valid ones: this "
                      "thread's 16-byte chunks, rows 8 apart. %0: shared byte offset of its first chunk, %1: global address of "
                      "its first chunk, %2: valid rows from its first one on, %3: any readable global address.", block(L))

consts["Commit"] = ("Closes the current group of asynchronous copies.", "cp.async.commit_group;")
consts["WaitAllButOne"] = ("Waits for all groups of asynchronous copies but the newest.", "cp.async.wait_group 1;")

# ---- Q fragments straight from global memory + state reset: %0 = global address of this lane's row g, column 2t of
# the head's tile, %1 = the same for row g+8 (rows past the queries point at a valid row: they are masked anyway)
L = [".reg .b64 %%a<2>;", "cvta.to.global.u64 %%a0, %0;", "cvta.to.global.u64 %%a1, %1;"]
for kc in range(KC):
    for i in range(4):
        L.append(f"ld.global.nc.b32 %%bsq{kc*4+i}, [%%a{i & 1}+{32 * kc + 16 * (i >> 1)}];")
for r in range(2):
    L.append(f"mov.f32 %%bsm{r}, {NEG_INF};")
    L.append(f"mov.f32 %%bsl{r}, {ZERO};")
consts["LoadQuery"] = ("Loads the warp's 16 query rows of one head from global memory into A fragments %bsq (a0..a3 of each "
                       "16 dims: rows g, g+8 × columns 2t, 2t+1, then 2t+8, 2t+9) and resets the row maxima and sums. "
                       "%0, %1: global addresses of this lane's rows g and g+8 at column 2·(lane%4).", block(L))

# ---- S = Q CK^T: %0 byte offset of the K buffer (from buffer 0)
L = [f".reg .b32 %%a<{KC}>;", ".reg .b32 %%b<4>;"]
for i in range(NT * 4):
    L.append(f"mov.f32 %%bss{i}, {ZERO};")
for kc in range(KC):
    L.append(f"add.u32 %%a{kc}, %%bsk{kc}, %0;")
for kc in range(KC):
    for np_ in range(NT // 2):
        mma_pair(L, f"%%a{kc}+{np_ * 16 * ROW}", [f"%%bsq{kc*4+i}" for i in range(4)],
                 [[f"%%bss{nt*4+i}" for i in range(4)] for nt in (2 * np_, 2 * np_ + 1)])
consts["Scores"] = ("S = Q·CKᵀ for the 64 compressed keys of one shared buffer into %bss (C fragments of 8 n-tiles). "
                    "%0: the buffer's byte offset from buffer 0.", block(L))

# ---- mask: %0 = visible(row g) - first - 2t, %1 = the same for row g+8; key 8nt+j (+2t) is hidden when 8nt+j >= %r
L = [".reg .pred %%p;"]
for nt in range(NT):
    for i in range(4):
        k = nt * 8 + (i & 1)
        L.append(f"setp.le.s32 %%p, %{i >> 1}, {k};")
        L.append(f"@%%p mov.f32 %%bss{nt*4+i}, {NEG_INF};")
consts["Mask"] = ("Sets the scores of compressed keys a row does not see to -inf. %0, %1: for rows g and g+8, the keys the row "
                  "sees minus the tile's first key minus 2·(lane%4).", block(L))

# ---- pass 1: online row max and thread-partial sums of 2^(s·c − max·c). %0 = c = scale·log2(e)
L = [".reg .f32 %%mx<2>;", ".reg .f32 %%nm<2>;", ".reg .f32 %%al<2>;", ".reg .f32 %%ps<2>;", ".reg .f32 %%t;", ".reg .pred %%z;"]
for r in range(2):
    e = [f"%%bss{nt*4 + 2*r + j}" for nt in range(NT) for j in range(2)]
    L.append(f"max.f32 %%mx{r}, {e[0]}, {e[1]};")
    for x in e[2:]:
        L.append(f"max.f32 %%mx{r}, %%mx{r}, {x};")
    quad_reduce(L, f"%%mx{r}", "max.f32")
    L.append(f"max.f32 %%mx{r}, %%mx{r}, %%bsm{r};")
    L.append(f"mul.f32 %%nm{r}, %%mx{r}, %0;")
    L.append(f"setp.eq.f32 %%z, %%mx{r}, {NEG_INF};")
    L.append(f"selp.f32 %%nm{r}, {ZERO}, %%nm{r}, %%z;")
    L.append(f"neg.f32 %%nm{r}, %%nm{r};")
    L.append(f"fma.rn.f32 %%t, %%bsm{r}, %0, %%nm{r};")
    L.append(f"ex2.approx.ftz.f32 %%al{r}, %%t;")
    L.append(f"mov.f32 %%bsm{r}, %%mx{r};")
for r in range(2):
    for nt in range(NT):
        for j in range(2):
            x = f"%%bss{nt*4 + 2*r + j}"
            L.append(f"fma.rn.f32 {x}, {x}, %0, %%nm{r};")
            L.append(f"ex2.approx.ftz.f32 {x}, {x};")
    e = [f"%%bss{nt*4 + 2*r + j}" for nt in range(NT) for j in range(2)]
    L.append(f"add.f32 %%ps{r}, {e[0]}, {e[1]};")
    for x in e[2:]:
        L.append(f"add.f32 %%ps{r}, %%ps{r}, {x};")
    L.append(f"fma.rn.f32 %%bsl{r}, %%bsl{r}, %%al{r}, %%ps{r};")
consts["RowStatistics"] = ("Pass 1 on one tile: updates the running row maxima %bsm and this thread's partial sums %bsl of "
                           "2^(s·c − max·c). %0: c = scale·log2(e).", block(L))

# ---- end of pass 1: %bsx = max·c + log2(sum) (0 for a row that sees nothing). %0 = c
L = [".reg .f32 %%t;", ".reg .pred %%z;"]
for r in range(2):
    quad_reduce(L, f"%%bsl{r}", "add.f32")
    L.append(f"setp.gt.f32 %%z, %%bsl{r}, {ZERO};")
    L.append(f"lg2.approx.f32 %%t, %%bsl{r};")
    L.append(f"fma.rn.f32 %%t, %%bsm{r}, %0, %%t;")
    L.append(f"selp.f32 %%bsx{r}, %%t, {ZERO}, %%z;")
consts["Normalizer"] = ("Ends pass 1 of one head: sums the row sums over the quad and sets %bsx = max·c + log2(sum), or 0 for a "
                        "row that sees no compressed key. %0: c = scale·log2(e).", block(L))

# ---- pass 2: p = 2^(s·c − %bsx), summed over the warp's 16 rows per column; lane l stores columns 2l, 2l+1.
# %0 = c, %1 = shared byte offset of this lane's two partial sums.
L = [".reg .f32 %%v<16>;", ".reg .f32 %%sd;", ".reg .f32 %%rv;", ".reg .b32 %%s;"]
for r in range(2):
    L.append(f"neg.f32 %%bsx{r}, %%bsx{r};")
for nt in range(NT):
    for j in range(2):
        for r in range(2):
            x = f"%%bss{nt*4 + 2*r + j}"
            L.append(f"fma.rn.f32 {x}, {x}, %0, %%bsx{r};")
            L.append(f"ex2.approx.ftz.f32 {x}, {x};")
        L.append(f"add.f32 %%v{2*nt + j}, %%bss{nt*4 + j}, %%bss{nt*4 + 2 + j};")
for r in range(2):
    L.append(f"neg.f32 %%bsx{r}, %%bsx{r};")
# reduce-scatter over g: xor 16 (g bit 2 -> nt bit 2), xor 8 (g bit 1 -> nt bit 1), xor 4 (g bit 0 -> nt bit 0)
vals = [f"%%v{k}" for k in range(16)]
for pred, mask in ((2, 16), (1, 8), (0, 4)):
    half = len(vals) // 2
    keep = []
    for k in range(half):
        lo, hi = vals[k], vals[k + half]
        # lanes with the bit set keep the upper half and send the lower one
        L.append(f"selp.f32 %%sd, {lo}, {hi}, %%bsp{pred};")
        L.append(f"selp.f32 {lo}, {hi}, {lo}, %%bsp{pred};")
        L.append(f"shfl.sync.bfly.b32 %%rv, %%sd, {mask}, 0x1f, {FULL};")
        L.append(f"add.f32 {lo}, {lo}, %%rv;")
        keep.append(lo)
    vals = keep
L.append("add.u32 %%s, %%bsb, %1;")
L.append(f"st.shared.v2.f32 [%%s], {{{vals[0]}, {vals[1]}}};")
consts["ColumnSums"] = ("Pass 2 on one tile: p = 2^(s·c − %bsx) (the row's softmax), summed over the warp's 16 rows per "
                        "compressed key; lane l stores the sums of keys 2l and 2l+1. %0: c = scale·log2(e), %1: shared byte "
                        "offset of this lane's pair in the warp's partial row.", block(L))

# ---- importance[c] += sum of the 4 warps' partials: %0 = partial offset of (column, warp pair), %1 = importance offset
L = [".reg .b32 %%s;", ".reg .f32 %%a;", ".reg .f32 %%b;", ".reg .f32 %%t;",
     "add.u32 %%s, %%bsb, %0;", "ld.shared.f32 %%a, [%%s];", "ld.shared.f32 %%b, [%%s+256];", "add.f32 %%a, %%a, %%b;",
     f"shfl.sync.bfly.b32 %%t, %%a, 16, 0x1f, {FULL};", "add.f32 %%a, %%a, %%t;",
     "add.u32 %%s, %%bsb, %1;", "ld.shared.f32 %%b, [%%s];", "add.f32 %%b, %%b, %%a;", "st.shared.f32 [%%s], %%b;"]
consts["AddImportanceBlock"] = ("Adds one tile's column sums of the 4 warps to the importance of its compressed key: lanes l and l+16 "
                           "of a warp each read two warps' partials of the same key and both store the total. %0: shared byte "
                           "offset of the first partial, %1: of the key's importance.", block(L))

consts["ZeroImportance"] = ("Zeroes one importance entry. %0: its shared byte offset.",
                            block([".reg .b32 %%s;", "add.u32 %%s, %%bsb, %0;", f"st.shared.f32 [%%s], {ZERO};"]))

consts["ResetBest"] = ("Starts the max-pool of one key block.", f"mov.f32 %%bsbest, {ZERO};")

consts["PoolImportance"] = ("Max-pools one compressed key's importance into the block's score. %0: shared byte offset of the importance.",
                            block([".reg .b32 %%s;", ".reg .f32 %%v;", "add.u32 %%s, %%bsb, %0;", "ld.shared.f32 %%v, [%%s];",
                                   "max.f32 %%bsbest, %%bsbest, %%v;"]))

consts["StoreBest"] = ("Stores the block's score: the pooled maximum when %2 ≤ %3 (some compressed key overlaps it), else 0; only "
                       "when %0 < %1 (the block exists). %4: global address.",
                       block([".reg .pred %%p;", ".reg .pred %%q;", ".reg .f32 %%v;", ".reg .b64 %%g;",
                              "setp.lt.s32 %%p, %0, %1;", "setp.le.s32 %%q, %2, %3;", f"selp.f32 %%v, %%bsbest, {ZERO}, %%q;",
                              "cvta.to.global.u64 %%g, %4;", "@%%p st.global.f32 [%%g], %%v;"]))

write_constants(sys.argv[1], "block_scores_half.py", "Sieve.Plugins.Attention.Gpu", "BlockScoresHalfKernel", consts)
