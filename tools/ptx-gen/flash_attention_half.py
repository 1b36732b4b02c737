#!/usr/bin/env python3
"""Writes kernels/Gpu/FlashAttentionHalfKernel.Ptx.cs (path given as the argument): the unrolled inline-PTX blocks of FlashAttentionHalfKernel
(head size 128). Registers named in PTX (%fa*) hold the per-warp state across the C# loop; one literal % is %% for ILGPU."""
import sys

from ptxgen import NEG_INF, ZERO, block, mma_pair, quad_reduce, write_constants

D = 128
NT = 8      # key n-tiles of 8 in a 64-key block
KC = D // 16  # 16-wide k chunks of the head dimension (Q A-fragments)
DT = D // 8   # 8-wide n-tiles of the output
DP = D // 16  # pairs of output n-tiles = ldmatrix.x4 per 16 keys of V
KC2 = 4     # 16-key chunks of P
ROW = D * 2  # bytes per smem row
TILE = 64 * ROW

consts = {}

# ---- declarations + per-lane ldmatrix addresses + state init.  %0 kRow, %1 xK, %2 vRow(+V base), %3 xA
L = []
L.append(f".reg .b32 %%faq<{KC*4}>;")
L.append(f".reg .f32 %%fao<{DT*4}>;")
L.append(f".reg .f32 %%fas<{NT*4}>;")
L.append(f".reg .b32 %%fap<{KC2*4}>;")
L.append(".reg .f32 %%fam<2>;")
L.append(".reg .f32 %%fal<2>;")
L.append(f".reg .b32 %%fak<{KC}>;")
L.append(f".reg .b32 %%fav<{DP}>;")
L.append(".reg .b32 %%fsm;")
L.append("mov.u32 %%fsm, __dyn_shared_alloca;")
L.append("{")
L.append(".reg .b32 %%t;")
for kc in range(KC):
    L.append(f"xor.b32 %%t, %1, {kc << 5};")
    L.append("add.u32 %%t, %%t, %0;")
    L.append(f"add.u32 %%fak{kc}, %%t, %%fsm;")
for dp in range(DP):
    L.append(f"xor.b32 %%t, %3, {dp << 5};")
    L.append("add.u32 %%t, %%t, %2;")
    L.append(f"add.u32 %%fav{dp}, %%t, %%fsm;")
L.append("}")
for i in range(DT * 4):
    L.append(f"mov.f32 %%fao{i}, {ZERO};")
L.append(f"mov.f32 %%fam0, {NEG_INF};")
L.append(f"mov.f32 %%fam1, {NEG_INF};")
L.append(f"mov.f32 %%fal0, {ZERO};")
L.append(f"mov.f32 %%fal1, {ZERO};")
consts["Init"] = ("Declares the warp's named registers, computes its ldmatrix addresses into %fak/%fav and zeroes O, max and sum. "
                  "%0: K row offset, %1: K column xor, %2: V row offset (V base included), %3: Q/V column xor; all in bytes.", block(L, False))

# ---- tile load: %0 smem byte offset of this thread's first chunk, %1 its global address (64 rows x ROW bytes; 8 x 16 B per thread)
L = [".reg .b32 %%s;", ".reg .b64 %%g;", "add.u32 %%s, %%fsm, %0;", "cvta.to.global.u64 %%g, %1;"]
for j in range(TILE // (128 * 16)):
    L.append(f"cp.async.cg.shared.global [%%s+{j * 2048}], [%%g+{j * 2048}], 16;")
consts["LoadTile"] = ("Copies one 64-row tile to shared memory asynchronously: this thread's 16-byte chunks, rows 8 apart. "
                      "%0: shared byte offset of its first chunk, %1: global address of its first chunk.", block(L))

consts["Commit"] = ("Closes the current group of asynchronous copies.", "cp.async.commit_group;")
consts["WaitAllButOne"] = ("Waits for all groups of asynchronous copies but the newest.", "cp.async.wait_group 1;")

# ---- Q fragments: %0 smem offset of this lane's row (Q base included), %1 column xor
L = [".reg .b32 %%a;", ".reg .b32 %%t;", "add.u32 %%a, %%fsm, %0;"]
for kc in range(KC):
    L.append(f"xor.b32 %%t, %1, {kc << 5};")
    L.append("add.u32 %%t, %%t, %%a;")
    q = ", ".join(f"%%faq{kc*4+i}" for i in range(4))
    L.append(f"ldmatrix.sync.aligned.m8n8.x4.shared.b16 {{{q}}}, [%%t];")
consts["LoadQuery"] = ("Loads the warp's 16 query rows from shared memory into A fragments %faq (4 per 16 dims). "
                       "%0: shared byte offset of this lane's row, %1: its column xor.", block(L))

# ---- S = Q K^T: %0 byte offset of the K buffer
L = [f".reg .b32 %%a<{KC}>;", ".reg .b32 %%b<4>;"]
for i in range(NT * 4):
    L.append(f"mov.f32 %%fas{i}, {ZERO};")
for kc in range(KC):
    L.append(f"add.u32 %%a{kc}, %%fak{kc}, %0;")
for kc in range(KC):
    for np_ in range(NT // 2):
        mma_pair(L, f"%%a{kc}+{np_ * 16 * ROW}", [f"%%faq{kc*4+i}" for i in range(4)],
                 [[f"%%fas{nt*4+i}" for i in range(4)] for nt in (2 * np_, 2 * np_ + 1)])
consts["Scores"] = ("S = Q·Kᵀ for the 64 keys of one shared K buffer into %fas (C fragments of 8 n-tiles). %0: the buffer's byte offset.", block(L))

# ---- causal mask on the diagonal block: %0 = diff = rowLocal(g) - keyLocal(t4*2) where rowLocal = warp*16+g
L = [".reg .pred %%p;"]
for nt in range(NT):
    for i in range(4):
        k = nt * 8 + (i & 1) - 8 * (i >> 1)
        L.append(f"setp.lt.s32 %%p, %0, {k};")
        L.append(f"@%%p mov.f32 %%fas{nt*4+i}, {NEG_INF};")
consts["MaskDiagonal"] = ("Sets scores of keys after the query (diagonal block only) to -inf. "
                          "%0: this thread's first row minus its first key, both local to the 64-blocks.", block(L))

# ---- online softmax: %0 = scale*log2(e)
L = [".reg .f32 %%mx<2>;", ".reg .f32 %%nm<2>;", ".reg .f32 %%al<2>;", ".reg .f32 %%ps<2>;", ".reg .f32 %%t;", ".reg .pred %%z;"]
for r in range(2):
    e = [f"%%fas{nt*4 + 2*r + j}" for nt in range(NT) for j in range(2)]
    L.append(f"max.f32 %%mx{r}, {e[0]}, {e[1]};")
    for x in e[2:]:
        L.append(f"max.f32 %%mx{r}, %%mx{r}, {x};")
    quad_reduce(L, f"%%mx{r}", "max.f32")
    L.append(f"max.f32 %%mx{r}, %%mx{r}, %%fam{r};")           # new running max (raw)
    L.append(f"mul.f32 %%nm{r}, %%mx{r}, %0;")                  # scaled
    L.append(f"setp.eq.f32 %%z, %%mx{r}, {NEG_INF};")
    L.append(f"selp.f32 %%nm{r}, {ZERO}, %%nm{r}, %%z;")         # a row with nothing seen yet subtracts 0
    L.append(f"neg.f32 %%nm{r}, %%nm{r};")
    L.append(f"fma.rn.f32 %%t, %%fam{r}, %0, %%nm{r};")
    L.append(f"ex2.approx.ftz.f32 %%al{r}, %%t;")              # rescale of what was summed so far (0 at the start)
    L.append(f"mov.f32 %%fam{r}, %%mx{r};")
for r in range(2):
    for nt in range(NT):
        for j in range(2):
            x = f"%%fas{nt*4 + 2*r + j}"
            L.append(f"fma.rn.f32 {x}, {x}, %0, %%nm{r};")
            L.append(f"ex2.approx.ftz.f32 {x}, {x};")
    e = [f"%%fas{nt*4 + 2*r + j}" for nt in range(NT) for j in range(2)]
    L.append(f"add.f32 %%ps{r}, {e[0]}, {e[1]};")
    for x in e[2:]:
        L.append(f"add.f32 %%ps{r}, %%ps{r}, {x};")
    L.append(f"fma.rn.f32 %%fal{r}, %%fal{r}, %%al{r}, %%ps{r};")
for dt in range(DT):
    for i in range(4):
        L.append(f"mul.f32 %%fao{dt*4+i}, %%fao{dt*4+i}, %%al{i >> 1};")
for kc2 in range(KC2):
    for i in range(4):
        nt = 2 * kc2 + (i >> 1)
        lo = nt * 4 + 2 * (i & 1)
        L.append(f"cvt.rn.f16x2.f32 %%fap{kc2*4+i}, %%fas{lo+1}, %%fas{lo};")
consts["Softmax"] = ("Online softmax of one block: updates the running max %fam and thread-partial sums %fal, rescales O, "
                     "and packs P = exp2(S·c − max·c) as fp16 A fragments %fap. %0: c = scale·log2(e).", block(L))

# ---- O += P V: %0 byte offset of the V buffer (relative to V buffer 0)
L = [f".reg .b32 %%a<{DP}>;", ".reg .b32 %%b<4>;"]
for dp in range(DP):
    L.append(f"add.u32 %%a{dp}, %%fav{dp}, %0;")
for kc2 in range(KC2):
    for dp in range(DP):
        mma_pair(L, f"%%a{dp}+{kc2 * 16 * ROW}", [f"%%fap{kc2*4+i}" for i in range(4)],
                 [[f"%%fao{dt*4+i}" for i in range(4)] for dt in (2 * dp, 2 * dp + 1)], trans=True)
consts["AccumulateValues"] = ("O += P·V for the 64 keys of one shared V buffer. %0: the buffer's byte offset from V buffer 0.", block(L))

# ---- epilogue: %0 = global address of this thread's (row g, col t4*2) output element
L = [".reg .f32 %%t;", ".reg .f32 %%i<2>;", ".reg .b32 %%h;", ".reg .b64 %%g;", ".reg .pred %%z;"]
for r in range(2):
    quad_reduce(L, f"%%fal{r}", "add.f32")
    L.append(f"setp.gt.f32 %%z, %%fal{r}, {ZERO};")
    L.append(f"rcp.rn.f32 %%i{r}, %%fal{r};")
    L.append(f"selp.f32 %%i{r}, %%i{r}, {ZERO}, %%z;")     # a row that saw no key writes zeros
L.append("cvta.to.global.u64 %%g, %0;")
for r in range(2):
    for dt in range(DT):
        x0, x1 = f"%%fao{dt*4 + 2*r}", f"%%fao{dt*4 + 2*r + 1}"
        L.append(f"mul.f32 {x0}, {x0}, %%i{r};")
        L.append(f"mul.f32 {x1}, {x1}, %%i{r};")
        L.append(f"cvt.rn.f16x2.f32 %%h, {x1}, {x0};")
        L.append(f"st.global.b32 [%%g+{r * 8 * ROW + dt * 16}], %%h;")
consts["Store"] = ("Normalizes O by the row sums and stores it as fp16. %0: global address of this thread's first element (row g, column 2·(lane%4)).", block(L))

write_constants(sys.argv[1], "flash_attention_half.py", "Sieve.Kernels.Gpu", "FlashAttentionHalfKernel", consts)
