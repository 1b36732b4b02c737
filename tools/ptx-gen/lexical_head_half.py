#!/usr/bin/env python3
"""Writes kernels/Lexical/Gpu/LexicalHeadHalfKernel.Ptx.cs (path given as the argument): the unrolled inline-PTX blocks
of LexicalHeadHalfKernel (hidden size 384). A warp holds 16 terms of W as mma A-fragments for the whole kernel and meets
64-token tiles of fp16 hidden states (B operand, from shared memory) as FlashAttentionHalfKernel's Q meets K:
S = W·Hᵀ, 16 terms × 64 tokens per warp and tile. Registers named in PTX (%lh*) hold the warp's state across the C#
loop; one literal % is %% for ILGPU."""
import sys

from ptxgen import NEG_INF, ZERO, block, mma_pair, quad_reduce, write_constants

D = 384
KC = D // 16      # 16-wide k chunks of the hidden size (A fragments of W)
NT = 8            # token n-tiles of 8 in a 64-token tile
ROW = D * 2       # bytes per fp16 row (W and hidden alike)
ONE = "0f3F800000"
LN2 = "0f3F317218"

consts = {}

# ---- declarations and the lane's ldmatrix address parts. %0 its row offset in a tile (bytes), %1 its chunk xor (bytes)
L = [f".reg .b32 %%lhw<{KC * 4}>;", f".reg .f32 %%lhs<{NT * 4}>;", ".reg .f32 %%lhm<2>;", ".reg .b32 %%lhr;", ".reg .b32 %%lhx;",
     "mov.u32 %%lhr, __dyn_shared_alloca;", "add.u32 %%lhr, %%lhr, %0;", "mov.u32 %%lhx, %1;"]
consts["Init"] = ("Declares the warp's named registers and keeps this lane's ldmatrix row address (%lhr: the shared window "
                  "plus %0, its row's byte offset in a tile) and chunk xor (%lhx = %1, bytes).", block(L, False))

# ---- W fragments from global memory, once: %0, %1 = global addresses of this lane's term rows g and g+8 at column 2t
L = [".reg .b64 %%a<2>;", "cvta.to.global.u64 %%a0, %0;", "cvta.to.global.u64 %%a1, %1;"]
for kc in range(KC):
    for i in range(4):
        L.append(f"ld.global.nc.b32 %%lhw{kc * 4 + i}, [%%a{i & 1}+{32 * kc + 16 * (i >> 1)}];")
for r in range(2):
    L.append(f"mov.f32 %%lhm{r}, {NEG_INF};")
consts["LoadWeights"] = ("Loads the warp's 16 terms of W (fp16, rows of 384) into A fragments %lhw (a0..a3 of each 16 features: "
                         "rows g, g+8 × columns 2t, 2t+1, then 2t+8, 2t+9) and resets the running maxima %lhm. %0, %1: global "
                         "addresses of this lane's rows g and g+8 at column 2·(lane%4).", block(L))

# ---- tile copy with zero fill: thread (r0 = t/16, c0 = t%16) copies chunks c0 + 16i of rows r0 + 16j (i < 3, j < 4).
# %0 shared byte offset of its first chunk (swizzled), %1 its global address, %2 valid rows from r0 on, %3 readable address.
L = [".reg .b32 %%s;", ".reg .b32 %%n;", ".reg .b64 %%g;", ".reg .b64 %%f;", ".reg .b64 %%a;", ".reg .pred %%p;",
     "mov.u32 %%s, __dyn_shared_alloca;", "add.u32 %%s, %%s, %0;", "cvta.to.global.u64 %%g, %1;", "cvta.to.global.u64 %%f, %3;"]
for j in range(4):
    L.append(f"setp.gt.s32 %%p, %2, {16 * j};")
    L.append("selp.b32 %%n, 16, 0, %%p;")
    for i in range(3):
        off = 16 * j * ROW + 256 * i
        L.append(f"add.s64 %%a, %%g, {off};")
        L.append("selp.b64 %%a, %%a, %%f, %%p;")
        L.append(f"cp.async.cg.shared.global [%%s+{off}], [%%a], 16, %%n;")
consts["LoadTile"] = ("Copies one 64-token fp16 tile (rows of 384) to shared memory asynchronously, zero-filling rows past the "
                      "valid ones: this thread's 12 chunks, 3 per row (256 bytes apart) in rows 16 apart. %0: shared byte "
                      "offset of its first chunk, %1: its global address, %2: valid rows from its first one on, %3: any "
                      "readable global address.", block(L))

consts["Commit"] = ("Closes the current group of asynchronous copies.", "cp.async.commit_group;")
consts["WaitAllButOne"] = ("Waits for all groups of asynchronous copies but the newest.", "cp.async.wait_group 1;")

# ---- S = W·Hᵀ for one tile: %0 the tile buffer's byte offset in shared memory
L = [".reg .b32 %%a;", ".reg .b32 %%b<4>;"]
for i in range(NT * 4):
    L.append(f"mov.f32 %%lhs{i}, {ZERO};")
for kc in range(KC):
    L.append(f"xor.b32 %%a, %%lhx, {kc << 5};")
    L.append("add.u32 %%a, %%a, %%lhr;")
    L.append("add.u32 %%a, %%a, %0;")
    for np_ in range(NT // 2):
        mma_pair(L, f"%%a+{np_ * 16 * ROW}", [f"%%lhw{kc * 4 + i}" for i in range(4)],
                 [[f"%%lhs{nt * 4 + i}" for i in range(4)] for nt in (2 * np_, 2 * np_ + 1)])
consts["Logits"] = ("The logits of the warp's 16 terms × the tile's 64 tokens into %lhs (C fragments of 8 token n-tiles: rows "
                    "g, g+8 are terms, columns 8·nt + 2t, +1 tokens). %0: the tile buffer's byte offset.", block(L))

# ---- mask: token column 8nt + j (+2t) is past the sequence when 8nt + j >= %0 (= valid tokens − first − 2t)
L = [".reg .pred %%p;"]
for nt in range(NT):
    for j in range(2):
        L.append(f"setp.le.s32 %%p, %0, {nt * 8 + j};")
        L.append(f"@%%p mov.f32 %%lhs{nt * 4 + j}, {NEG_INF};")
        L.append(f"@%%p mov.f32 %%lhs{nt * 4 + 2 + j}, {NEG_INF};")
consts["Mask"] = ("Sets the logits of tokens past the sequence to -inf. %0: the sequence's valid tokens minus the tile's first "
                  "minus 2·(lane%4).", block(L))

# ---- running maxima of rows g (%lhm0) and g+8 (%lhm1) over this thread's columns
L = []
for r in range(2):
    for nt in range(NT):
        for j in range(2):
            L.append(f"max.f32 %%lhm{r}, %%lhm{r}, %%lhs{nt * 4 + 2 * r + j};")
consts["RowMax"] = ("Folds the tile's logits into the running maxima %lhm of this thread's columns.", block(L))

# ---- end of a sequence: the quad's maxima meet; weight = log(1 + relu(max + bias)); the maxima restart.
# %0, %1 the bias of rows g and g+8, %2, %3 their output addresses, %4 bit r: store row r (lane%4 = 0, term < V)
L = [".reg .f32 %%t;", ".reg .f32 %%x;", ".reg .b32 %%k;", ".reg .pred %%p;", ".reg .b64 %%g;"]
for r in range(2):
    quad_reduce(L, f"%%lhm{r}", "max.f32")
    L.append(f"add.f32 %%x, %%lhm{r}, %{r};")
    L.append(f"max.f32 %%x, %%x, {ZERO};")
    L.append(f"add.f32 %%x, %%x, {ONE};")
    L.append("lg2.approx.f32 %%x, %%x;")
    L.append(f"mul.f32 %%x, %%x, {LN2};")
    L.append(f"and.b32 %%k, %4, {1 << r};")
    L.append("setp.ne.s32 %%p, %%k, 0;")
    L.append(f"cvta.to.global.u64 %%g, %{2 + r};")
    L.append("@%%p st.global.f32 [%%g], %%x;")
    L.append(f"mov.f32 %%lhm{r}, {NEG_INF};")
consts["StoreWeights"] = ("Ends a sequence: takes the maximum over the quad, stores log(1 + relu(max + bias)) for the rows whose "
                          "bit is set and resets the maxima. %0, %1: the bias of rows g and g+8, %2, %3: their output "
                          "addresses, %4: bit 0 stores row g, bit 1 row g+8.", block(L))

# ---- the unfused epilogue: every logit of a valid (token, term) to logits [B, S, V] fp32.
# %0 global address of (token first + 2t, term g), %1 valid tokens − first − 2t, %2 bytes per token row (4·V),
# %3 bit r: row r is a term (< V)
L = [".reg .b64 %%g;", ".reg .b64 %%a;", ".reg .b32 %%k;", ".reg .pred %%p;", ".reg .pred %%q<2>;", "cvta.to.global.u64 %%g, %0;"]
for r in range(2):
    L.append(f"and.b32 %%k, %3, {1 << r};")
    L.append(f"setp.ne.s32 %%q{r}, %%k, 0;")
for nt in range(NT):
    for j in range(2):
        col = nt * 8 + j
        L.append(f"mul.wide.s32 %%a, %2, {col};")
        L.append("add.s64 %%a, %%a, %%g;")
        for r in range(2):
            L.append(f"setp.gt.s32 %%p, %1, {col};")
            L.append(f"and.pred %%p, %%p, %%q{r};")
            L.append(f"@%%p st.global.f32 [%%a+{32 * r}], %%lhs{nt * 4 + 2 * r + j};")
consts["StoreLogits"] = ("Stores the tile's logits of valid tokens and terms (the unfused reference's epilogue). %0: global "
                         "address of this thread's (token first + 2·(lane%4), term g), %1: the sequence's valid tokens minus "
                         "the tile's first minus 2·(lane%4), %2: bytes per token row, %3: bit 0 row g is a term, bit 1 row g+8.",
                         block(L))

write_constants(sys.argv[1], "lexical_head_half.py", "Sieve.Kernels.Lexical.Gpu", "LexicalHeadHalfKernel", consts, "hidden size 384")
