"""InfLLM-V2 block-sparse attention for training, mirroring Sieve's `attention/block-sparse` selection (issue 26).

The runtime (plugins/attention: CompressedKeys, BlockSelector) chooses, for every block of `block` queries and every KV
head, the key blocks that block attends to:
  1. compressed keys: the mean of key tokens [c*stride, c*stride + kernel), cut at the sequence end;
  2. each query of the block (and each query head of the KV group) scores the compressed keys whose whole window it may
     see (window end <= its position + 1), scale * q.k_c, softmax over those compressed keys; the probabilities are
     summed over the block's queries and the group's heads;
  3. block b's score is the max over the compressed keys whose window overlaps it;
  4. the first block and the local window (the blocks of the block's own queries and `window` blocks before them)
     are forced and count in the budget of `top_k` blocks; the rest of the budget goes to the best scores (ties: lower
     block first); causal: never a block after the block's last query.
Attention then runs exactly over the chosen blocks (causal inside them). The choice is not differentiated (as in the
paper); the attention over the chosen blocks is.

`select_blocks` is the selection (also the reference the tests compare with the C# runtime); `block_sparse_attention`
runs it with PyTorch's flex_attention and a BlockMask at block granularity, or, without flex_attention (CPU tests,
old torch), with a dense masked softmax.
"""
import math

import torch


def compressed_keys(k, kernel, stride):
    """k [B, H, T, D] -> ([B, H, C, D] means over the windows, window ends [C])."""
    T = k.shape[2]
    count = 0 if T == 0 else max(1, (max(0, T - kernel) + stride - 1) // stride + 1)
    starts = torch.arange(count, device=k.device) * stride
    ends = torch.clamp(starts + kernel, max=T)
    csum = torch.cat([torch.zeros_like(k[:, :, :1]), k.float().cumsum(2)], 2)          # [B,H,T+1,D]
    sums = csum[:, :, ends] - csum[:, :, starts]
    return sums / (ends - starts).to(sums.dtype)[None, None, :, None], starts, ends


@torch.no_grad()
def select_blocks(q, k, scale, block=64, top_k=16, window=1, keep_first=True, kernel=128, stride=64):
    """Causal selection for a whole sequence (prefill, no padding): q [B, Hq, T, D], k [B, Hkv, T, D] ->
    bool [B, Hkv, Q, N] (Q = N = ceil(T / block)): which key blocks each query block of each KV head attends to."""
    B, Hq, T, D = q.shape
    Hkv = k.shape[1]
    g = Hq // Hkv
    n = (T + block - 1) // block
    ck, starts, ends = compressed_keys(k, kernel, stride)                               # [B,Hkv,C,D]
    C = ck.shape[2]
    scores = torch.einsum("bkgtd,bkcd->bkgtc", q.float().view(B, Hkv, g, T, D), ck) * scale
    pos = torch.arange(T, device=q.device)
    visible = ends[None, :] <= pos[:, None] + 1                                         # [T, C]
    scores = scores.masked_fill(~visible, float("-inf"))
    probs = torch.softmax(scores, -1).nan_to_num(0.0)                                   # rows seeing nothing: 0
    per_query = probs.sum(2)                                                            # [B,Hkv,T,C]
    pad = n * block - T
    importance = torch.nn.functional.pad(per_query, (0, 0, 0, pad)).view(B, Hkv, n, block, C).sum(3)   # [B,Hkv,Q,C]
    # block b's score: max over the compressed keys whose window overlaps it
    blocks = torch.arange(n, device=q.device)
    overlaps = (starts[None, :] < (blocks[:, None] + 1) * block) & (ends[None, :] > blocks[:, None] * block)   # [N,C]
    block_scores = torch.where(overlaps[None, None, None], importance[:, :, :, None, :], torch.zeros((), device=q.device)).amax(-1)  # [B,Hkv,Q,N]
    qb = blocks[:, None]                                                                # query block index
    causal_ok = blocks[None, :] <= torch.clamp(qb * block + block - 1, max=T - 1) // block
    forced = (blocks[None, :] >= qb - window) & (blocks[None, :] <= qb)
    if keep_first:
        forced = forced | (blocks[None, :] == 0)
    forced = forced & causal_ok
    chosen = forced[None, None].expand(B, Hkv, n, n).clone()
    budget_left = torch.clamp(top_k - forced.sum(-1), min=0)                           # [Q]
    # rank the other visible blocks: higher score first, then lower index (stable sort on the negated score)
    rank_key = block_scores.masked_fill(~causal_ok[None, None] | forced[None, None], float("-inf"))
    order = torch.sort(-rank_key, dim=-1, stable=True).indices                         # [B,Hkv,Q,N]
    rank = torch.empty_like(order)
    rank.scatter_(-1, order, torch.arange(n, device=q.device).expand_as(order))
    extra = (rank < budget_left[None, None, :, None]) & causal_ok[None, None] & ~forced[None, None]
    return chosen | extra


def _dense_masked(q, k, v, scale, chosen, block):
    B, Hq, T, D = q.shape
    g = Hq // k.shape[1]
    pos = torch.arange(T, device=q.device)
    allowed = chosen.repeat_interleave(g, 1)[:, :, pos // block][:, :, :, pos // block]  # [B,Hq,T,T]
    allowed = allowed & (pos[None, :] <= pos[:, None])
    kk, vv = k.repeat_interleave(g, 1), v.repeat_interleave(g, 1)
    s = (q.float() @ kk.float().transpose(-1, -2)) * scale
    p = torch.softmax(s.masked_fill(~allowed, float("-inf")), -1)
    return (p @ vv.float()).to(q.dtype)


def block_sparse_attention(q, k, v, scale, dense_below=2048, use_flex=None, **selection):
    """Causal InfLLM-V2 attention: dense (SDPA) below `dense_below` keys, else over the selected blocks.
    use_flex None: flex_attention on CUDA where this torch has it, else the dense masked softmax."""
    T = q.shape[2]
    g = q.shape[1] // k.shape[1]
    if T < dense_below:
        kk, vv = k.repeat_interleave(g, 1), v.repeat_interleave(g, 1)
        if hasattr(torch.nn.functional, "scaled_dot_product_attention"):
            return torch.nn.functional.scaled_dot_product_attention(q, kk, vv, is_causal=True, scale=scale)
        T_ = torch.arange(T, device=q.device)
        return _dense_masked(q, k, v, scale, torch.ones(q.shape[0], k.shape[1], 1, 1, dtype=torch.bool,
                                                           device=q.device).expand(-1, -1, (T + 63) // 64, (T + 63) // 64), 64)
    block = selection.get("block", 64)
    chosen = select_blocks(q, k, scale, **selection)
    if use_flex is None:
        try:
            import torch.nn.attention.flex_attention  # noqa: F401
            use_flex = q.is_cuda
        except ImportError:
            use_flex = False
    if not use_flex:
        return _dense_masked(q, k, v, scale, chosen, block)
    from torch.nn.attention.flex_attention import create_block_mask, flex_attention
    B, Hq = q.shape[:2]
    per_head = chosen.repeat_interleave(g, 1)                                           # [B,Hq,Q,N]

    def mask_mod(b, h, q_idx, kv_idx):
        return per_head[b, h, q_idx // block, kv_idx // block] & (kv_idx <= q_idx)

    mask = create_block_mask(mask_mod, B, Hq, T, T, device=q.device, BLOCK_SIZE=block)
    return flex_attention(q, k, v, block_mask=mask, scale=scale, enable_gqa=True)


def _selftest():
    """CPU check of the selection against a loop-by-loop reference (no flex): python3 sparse_attention.py"""
    torch.manual_seed(0)
    B, Hq, Hkv, T, D, block = 2, 6, 2, 389, 24, 16
    q, k = torch.randn(B, Hq, T, D), torch.randn(B, Hkv, T, D)
    scale = 1 / math.sqrt(D)
    kw = dict(block=block, top_k=7, window=1, keep_first=True, kernel=32, stride=16)
    got = select_blocks(q, k, scale, **kw)
    n = (T + block - 1) // block
    g = Hq // Hkv
    for b in range(B):
        for h in range(Hkv):
            for qb in range(n):
                last_q = min(T - 1, qb * block + block - 1)
                starts = list(range(0, max(1, (max(0, T - 32) + 15) // 16 + 1) * 16, 16))
                imp = [0.0] * len(starts)
                for t in range(qb * block, last_q + 1):
                    for gh in range(g):
                        vis = [c for c, s in enumerate(starts) if min(T, s + 32) <= t + 1]
                        if not vis:
                            continue
                        sc = torch.stack([(q[b, h * g + gh, t] @ k[b, h, s:min(T, s + 32)].mean(0)) * scale for s in (starts[c] for c in vis)])
                        p = torch.softmax(sc, 0)
                        for i, c in enumerate(vis):
                            imp[c] += p[i].item()
                last_block = last_q // block
                bs = [max([imp[c] for c, s in enumerate(starts) if s < (x + 1) * block and min(T, s + 32) > x * block] + [0.0])
                      for x in range(last_block + 1)]
                forced = {0} | {x for x in range(qb - 1, qb + 1) if 0 <= x <= last_block}
                rest = sorted((x for x in range(last_block + 1) if x not in forced), key=lambda x: (-bs[x], x))
                want = forced | set(rest[:max(0, 7 - len(forced))])
                have = {x for x in range(n) if got[b, h, qb, x]}
                assert have == want, (b, h, qb, sorted(have), sorted(want))
    v = torch.randn(B, Hkv, T, D)
    out = block_sparse_attention(q, k, v, scale, dense_below=0, use_flex=False, **kw)
    assert out.shape == q.shape and torch.isfinite(out).all()
    print("selection equals the loop reference at", (B, Hq, Hkv, T, D, block))


if __name__ == "__main__":
    _selftest()
