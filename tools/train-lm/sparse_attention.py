"""InfLLM-V2 block-sparse attention for training, mirroring Sieve's `attention/block-sparse` with Selection
`compressed` (plugins/attention: CompressedBlockScorer, BlockBudget; issue 26).

For every query token and every KV head the runtime chooses the key blocks (of `block` tokens) the query attends to:
  1. fine keys: means of whole windows [c*stride, c*stride + kernel) (32/16); coarse keys the same with 128/64;
  2. each query head scores the fine keys whose whole window it sees (window end <= its position + 1), scale * q.k,
     and normalises them with the log-sum-exp over the coarse keys it sees (over the fine ones while no coarse window
     is complete); the probabilities are summed over the KV group's query heads;
  3. a block scores the max over the visible fine windows that overlap it (0 if none);
  4. with `visible` = the query's block + 1 blocks and a budget of `top_k`: if visible <= budget every block is kept;
     else the first block and the local window (the query's own block and `window` before it) are forced and count in
     the budget, the rest goes to the best scores, ties to the lower block.
Attention then runs exactly over the chosen blocks (causal). The choice is not differentiated (as in the paper); the
attention over the chosen blocks is.

`select_blocks` is the selection (also what the C# parity fixture is made from); `block_sparse_attention` runs it with
PyTorch's flex_attention (a BlockMask from the union over each query block, a mask_mod with the per-query choice), or,
without flex_attention (CPU, old torch), with a dense masked softmax.
"""
import math

import torch


def full_window_keys(k, kernel, stride):
    """k [B, H, T, D] -> means over the whole windows [c*stride, c*stride + kernel): [B, H, C, D], and C."""
    T = k.shape[2]
    count = 0 if T < kernel else (T - kernel) // stride + 1
    starts = torch.arange(count, device=k.device) * stride
    csum = torch.cat([torch.zeros_like(k[:, :, :1], dtype=torch.float32), k.float().cumsum(2)], 2)
    return (csum[:, :, starts + kernel] - csum[:, :, starts]) / kernel, count


def full_windows(visible_keys, kernel, stride):
    """How many whole windows lie in the first `visible_keys` keys (tensor or int)."""
    return torch.where(visible_keys >= kernel, (visible_keys - kernel) // stride + 1, torch.zeros_like(visible_keys))


def _disable_compile(f):
    return torch.compiler.disable(f) if hasattr(torch, "compiler") and hasattr(torch.compiler, "disable") else f


@_disable_compile
@torch.no_grad()
def select_blocks(q, k, scale, block=64, top_k=16, window=1, keep_first=True, kernel=32, stride=16,
                  normalizer_kernel=128, normalizer_stride=64, query_chunk=2048):
    """Causal per-query selection for a whole sequence (prefill, no padding): q [B, Hq, T, D], k [B, Hkv, T, D] ->
    bool [B, Hkv, T, N] (N = ceil(T / block)): the key blocks each query of each KV head attends to."""
    B, Hq, T, D = q.shape
    Hkv = k.shape[1]
    g = Hq // Hkv
    n = (T + block - 1) // block
    fine, cf = full_window_keys(k, kernel, stride)
    coarse, cc = full_window_keys(k, normalizer_kernel, normalizer_stride)
    blocks = torch.arange(n, device=q.device)
    fine_start = torch.arange(cf, device=q.device) * stride
    first_block = fine_start // block                                                       # blocks window c overlaps
    last_block = (fine_start + kernel - 1) // block
    span = int((last_block - first_block).max().item()) + 1 if cf > 0 else 0
    chosen = torch.zeros(B, Hkv, T, n, dtype=torch.bool, device=q.device)
    qg = q.float().view(B, Hkv, g, T, D)
    for t0 in range(0, T, query_chunk):
        t1 = min(T, t0 + query_chunk)
        pos = torch.arange(t0, t1, device=q.device)
        vf = full_windows(pos + 1, kernel, stride)                                         # visible fine keys [t]
        vc = full_windows(pos + 1, normalizer_kernel, normalizer_stride)
        fs = torch.einsum("bkgtd,bkcd->bkgtc", qg[:, :, :, t0:t1], fine) * scale           # [B,Hkv,g,t,Cf]
        fine_visible = torch.arange(cf, device=q.device)[None, :] < vf[:, None]             # [t,Cf]
        fs = fs.masked_fill(~fine_visible, float("-inf"))
        if cc > 0:
            cs = torch.einsum("bkgtd,bkcd->bkgtc", qg[:, :, :, t0:t1], coarse) * scale
            coarse_visible = torch.arange(cc, device=q.device)[None, :] < vc[:, None]
            cs = cs.masked_fill(~coarse_visible, float("-inf"))
            norm = torch.where((vc > 0)[:, None], torch.logsumexp(cs, -1, keepdim=True).nan_to_num(0.0),
                               torch.logsumexp(fs, -1, keepdim=True))
        else:
            norm = torch.logsumexp(fs, -1, keepdim=True)
        importance = torch.exp(fs - norm).nan_to_num(0.0).sum(2)                            # [B,Hkv,t,Cf]
        scores = torch.zeros(B, Hkv, t1 - t0, n, device=q.device)                           # [B,Hkv,t,N]
        for offset in range(span):   # max-pool each fine window onto every block it overlaps
            idx = torch.minimum(first_block + offset, last_block).expand_as(importance)
            scores.scatter_reduce_(-1, idx, importance, "amax", include_self=True)
        diag = pos // block
        visible = blocks[None, :] <= diag[:, None]                                           # [t,N]
        forced = (blocks[None, :] >= diag[:, None] - window) & visible
        if keep_first:
            forced = forced | (blocks[None, :] == 0)
        all_fit = (diag + 1 <= top_k)[:, None]                                               # visible <= budget
        left = torch.clamp(top_k - forced.sum(-1), min=0)                                    # [t]
        key = scores.masked_fill(~visible | forced, float("-inf"))
        order = torch.sort(-key, dim=-1, stable=True).indices
        rank = torch.empty_like(order)
        rank.scatter_(-1, order, torch.arange(n, device=q.device).expand_as(order))
        picked = (rank < left[None, None, :, None]) & visible & ~forced
        chosen[:, :, t0:t1] = (forced | picked | (all_fit & visible)) & visible
    return chosen


def _dense_masked(q, k, v, scale, chosen, block):
    """Attention over the chosen blocks with a dense masked softmax (CPU / no flex_attention); chosen [B,Hkv,T,N]."""
    B, Hq, T, D = q.shape
    g = Hq // k.shape[1]
    pos = torch.arange(T, device=q.device)
    allowed = chosen.repeat_interleave(g, 1)[:, :, :, pos // block] & (pos[None, :] <= pos[:, None])   # [B,Hq,T,T]
    kk, vv = k.repeat_interleave(g, 1), v.repeat_interleave(g, 1)
    s = (q.float() @ kk.float().transpose(-1, -2)) * scale
    p = torch.softmax(s.masked_fill(~allowed, float("-inf")), -1)
    return (p @ vv.float()).to(q.dtype)


def _flex(q, k, v, scale, chosen, block):
    """flex_attention over the chosen blocks: the BlockMask lists, per query block, the union of its queries' blocks;
    the mask_mod applies each query's own choice and causality inside them."""
    from torch.nn.attention.flex_attention import BlockMask, flex_attention
    B, Hq, T, D = q.shape
    Hkv = k.shape[1]
    g = Hq // Hkv
    n = chosen.shape[-1]
    pad = n * block - T
    union = torch.nn.functional.pad(chosen, (0, 0, 0, pad)).view(B, Hkv, n, block, n).any(3)          # [B,Hkv,Q,N]
    union = union.repeat_interleave(g, 1)
    kv_num = union.sum(-1, dtype=torch.int32)
    kv_idx = torch.sort(union.to(torch.int8), dim=-1, descending=True, stable=True).indices.to(torch.int32)
    per_head = chosen

    def mask_mod(b, h, q_idx, kv_idx_):
        return per_head[b, h // g, q_idx, kv_idx_ // block] & (kv_idx_ <= q_idx)

    mask = BlockMask.from_kv_blocks(kv_num, kv_idx, BLOCK_SIZE=block, mask_mod=mask_mod, seq_lengths=(T, T))
    return flex_attention(q, k, v, block_mask=mask, scale=scale, enable_gqa=True)


def block_sparse_attention(q, k, v, scale, dense_below=2048, use_flex=None, **selection):
    """Causal InfLLM-V2 attention: q [B,Hq,T,D], k/v [B,Hkv,T,D]; dense (SDPA) below `dense_below` keys, else over
    the selected blocks. use_flex None: flex_attention on CUDA where this torch has it, else the dense masked softmax."""
    B, Hq, T, D = q.shape
    g = Hq // k.shape[1]
    block = selection.get("block", 64)
    if T < dense_below:
        if hasattr(torch.nn.functional, "scaled_dot_product_attention"):
            return torch.nn.functional.scaled_dot_product_attention(
                q, k.repeat_interleave(g, 1), v.repeat_interleave(g, 1), is_causal=True, scale=scale)
        every = torch.ones(B, k.shape[1], T, (T + block - 1) // block, dtype=torch.bool, device=q.device)
        return _dense_masked(q, k, v, scale, every, block)
    chosen = select_blocks(q, k, scale, **selection)
    if use_flex is None:
        try:
            import torch.nn.attention.flex_attention  # noqa: F401
            use_flex = q.is_cuda
        except ImportError:
            use_flex = False
    return _flex(q, k, v, scale, chosen, block) if use_flex else _dense_masked(q, k, v, scale, chosen, block)


def reference_select(q, k, scale, block, top_k, window, keep_first, kernel, stride, normalizer_kernel, normalizer_stride):
    """Query by query, loop by loop: what select_blocks must give (and what the C# runtime gives)."""
    B, Hq, T, D = q.shape
    Hkv = k.shape[1]
    g = Hq // Hkv
    n = (T + block - 1) // block
    out = torch.zeros(B, Hkv, T, n, dtype=torch.bool)

    def windows(length, kw, st):
        return [] if length < kw else [(c * st, c * st + kw) for c in range((length - kw) // st + 1)]
    for b in range(B):
        for h in range(Hkv):
            fine_all = [k[b, h, s:e].double().mean(0) for s, e in windows(T, kernel, stride)]
            coarse_all = [k[b, h, s:e].double().mean(0) for s, e in windows(T, normalizer_kernel, normalizer_stride)]
            for t in range(T):
                fw = windows(t + 1, kernel, stride)
                cw = windows(t + 1, normalizer_kernel, normalizer_stride)
                imp = [0.0] * len(fw)
                for gh in range(g):
                    qq = q[b, h * g + gh, t].double()
                    fs = [float(qq @ fine_all[c]) * scale for c in range(len(fw))]
                    if not fs:
                        continue
                    cs = [float(qq @ coarse_all[c]) * scale for c in range(len(cw))] or fs
                    m = max(cs)
                    norm = m + math.log(sum(math.exp(x - m) for x in cs))
                    for c in range(len(fw)):
                        imp[c] += math.exp(fs[c] - norm)
                visible = t // block + 1
                bs = [max([imp[c] for c, (s, e) in enumerate(fw) if s < (x + 1) * block and e > x * block] + [0.0])
                      for x in range(visible)]
                if visible <= top_k:
                    keep = set(range(visible))
                else:
                    keep = ({0} if keep_first else set()) | set(range(max(0, t // block - window), t // block + 1))
                    for x in sorted((x for x in range(visible) if x not in keep), key=lambda x: (-bs[x], x)):
                        if len(keep) >= top_k:
                            break
                        keep.add(x)
                for x in keep:
                    out[b, h, t, x] = True
    return out


def _selftest():
    """CPU check of the selection against the loop reference, and of the sparse path's gradients:
    python3 sparse_attention.py"""
    torch.manual_seed(0)
    B, Hq, Hkv, T, D = 1, 6, 2, 301, 24
    q, k, v = torch.randn(B, Hq, T, D), torch.randn(B, Hkv, T, D), torch.randn(B, Hkv, T, D)
    scale = 1 / math.sqrt(D)
    kw = dict(block=16, top_k=6, window=1, keep_first=True, kernel=8, stride=4, normalizer_kernel=32, normalizer_stride=16)
    got = select_blocks(q, k, scale, query_chunk=97, **kw)
    want = reference_select(q, k, scale, **kw)
    bad = (got != want).nonzero()
    assert len(bad) == 0, f"{len(bad)} differences, first {bad[:5].tolist()}"
    q.requires_grad_(True)
    out = block_sparse_attention(q, k, v, scale, dense_below=0, use_flex=False, **kw)
    out.sum().backward()
    assert out.shape == q.shape and torch.isfinite(out).all() and q.grad.abs().sum() > 0
    print("per-query selection equals the loop reference at", (B, Hq, Hkv, T, D), kw)


def emit_case(seed, batch, query_heads, kv_heads, length, head_size, **selection):
    """One parity case as JSON on stdout (what the C# test compares the runtime with): float32 q/k/v in base64
    ([B,H,T,D] row-major), the chosen blocks per (batch, kv head, query) and the attention output of the sparse path."""
    import base64
    import json
    import numpy as np
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(batch, query_heads, length, head_size, generator=g)
    k = torch.randn(batch, kv_heads, length, head_size, generator=g)
    v = torch.randn(batch, kv_heads, length, head_size, generator=g)
    scale = 1 / math.sqrt(head_size)
    chosen = select_blocks(q, k, scale, **selection)
    out = block_sparse_attention(q, k, v, scale, dense_below=0, use_flex=False, **selection)

    def b64(t):
        return base64.b64encode(np.ascontiguousarray(t.detach().numpy(), dtype="<f4").tobytes()).decode()
    blocks = [[[[int(x) for x in chosen[b, h, t].nonzero().flatten()] for t in range(length)] for h in range(kv_heads)]
              for b in range(batch)]
    print(json.dumps({"batch": batch, "query_heads": query_heads, "kv_heads": kv_heads, "length": length,
                      "head_size": head_size, "scale": scale, "selection": selection, "q": b64(q), "k": b64(k),
                      "v": b64(v), "chosen_blocks": blocks, "output": b64(out)}))


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description="self-test (no arguments), or --emit-case: one parity case as JSON")
    ap.add_argument("--emit-case", action="store_true")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--query-heads", type=int, default=6)
    ap.add_argument("--kv-heads", type=int, default=2)
    ap.add_argument("--length", type=int, default=193)
    ap.add_argument("--head-size", type=int, default=24)
    ap.add_argument("--block", type=int, default=16)
    ap.add_argument("--top-k", type=int, default=5)
    ap.add_argument("--window", type=int, default=1)
    ap.add_argument("--kernel", type=int, default=8)
    ap.add_argument("--stride", type=int, default=4)
    ap.add_argument("--normalizer-kernel", type=int, default=32)
    ap.add_argument("--normalizer-stride", type=int, default=16)
    a = ap.parse_args()
    if a.emit_case:
        emit_case(a.seed, a.batch, a.query_heads, a.kv_heads, a.length, a.head_size, block=a.block, top_k=a.top_k,
                  window=a.window, keep_first=True, kernel=a.kernel, stride=a.stride,
                  normalizer_kernel=a.normalizer_kernel, normalizer_stride=a.normalizer_stride)
    else:
        _selftest()
