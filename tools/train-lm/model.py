"""Decoder-only transformer for the Sieve LM: RoPE, grouped-query attention, RMSNorm, SwiGLU, tied embeddings.

Two forward paths share the weights:
  forward(idx)                       training: packed sequences, SDPA with is_causal=True (flash kernels).
  forward_cached(ids, mask, pos, past)  reference for the ONNX graph: left padding mask, position ids,
                                     KV cache, the same explicit attention pattern export.py writes.
"""
import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F
from sparse_attention import block_sparse_attention  # noqa: E402  (same folder: the scripts put it on sys.path)


@dataclass
class Config:
    vocab_size: int = 8192
    d_model: int = 256
    n_layer: int = 8
    n_head: int = 8
    n_kv_head: int = 2
    ffn_hidden: int = 688
    rope_theta: float = 50000.0
    norm_eps: float = 1e-5
    dropout: float = 0.0
    attn_dropout: float = -1.0   # dropout on attention probabilities; < 0 = same as dropout (older runs)

    @property
    def attention_dropout(self):
        return self.dropout if self.attn_dropout < 0 else self.attn_dropout

    @property
    def head_dim(self):
        return self.d_model // self.n_head

    def to_dict(self):
        return asdict(self)


class RMSNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x):
        xf = x.float()
        return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)).to(x.dtype) * self.weight


def rope_cos_sin(pos, head_dim, theta):
    """pos: [B,T] integer positions -> cos, sin [B,1,T,head_dim] (rotate-half layout)."""
    inv = 1.0 / (theta ** (torch.arange(0, head_dim, 2, device=pos.device, dtype=torch.float32) / head_dim))
    f = pos.float()[..., None] * inv                      # [B,T,hd/2]
    emb = torch.cat([f, f], dim=-1)[:, None]               # [B,1,T,hd]
    return emb.cos(), emb.sin()


def apply_rope(x, cos, sin):
    h = x.shape[-1] // 2
    rot = torch.cat([-x[..., h:], x[..., :h]], dim=-1)
    return x * cos + rot * sin


class Block(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        hd = c.head_dim
        self.attn_norm = RMSNorm(c.d_model, c.norm_eps)
        self.wq = nn.Linear(c.d_model, c.n_head * hd, bias=False)
        self.wk = nn.Linear(c.d_model, c.n_kv_head * hd, bias=False)
        self.wv = nn.Linear(c.d_model, c.n_kv_head * hd, bias=False)
        self.wo = nn.Linear(c.n_head * hd, c.d_model, bias=False)
        self.mlp_norm = RMSNorm(c.d_model, c.norm_eps)
        self.w_gate = nn.Linear(c.d_model, c.ffn_hidden, bias=False)
        self.w_up = nn.Linear(c.d_model, c.ffn_hidden, bias=False)
        self.w_down = nn.Linear(c.ffn_hidden, c.d_model, bias=False)
        self.drop = nn.Dropout(c.dropout)
        self.sparse = None   # block_sparse_attention's keyword arguments while sparse-aware training is on

    def qkv(self, x, cos, sin):
        B, T, _ = x.shape
        c, hd = self.c, self.c.head_dim
        h = self.attn_norm(x)
        q = self.wq(h).view(B, T, c.n_head, hd).transpose(1, 2)
        k = self.wk(h).view(B, T, c.n_kv_head, hd).transpose(1, 2)
        v = self.wv(h).view(B, T, c.n_kv_head, hd).transpose(1, 2)
        return apply_rope(q, cos, sin), apply_rope(k, cos, sin), v

    def mlp(self, x):
        h = self.mlp_norm(x)
        return self.drop(self.w_down(F.silu(self.w_gate(h)) * self.w_up(h)))

    def forward(self, x, cos, sin):
        B, T, _ = x.shape
        q, k, v = self.qkv(x, cos, sin)
        g = self.c.n_head // self.c.n_kv_head
        k = k.repeat_interleave(g, dim=1)   # query head h uses kv head h // g (same as the ONNX grouping)
        v = v.repeat_interleave(g, dim=1)
        if self.sparse is not None and T >= self.sparse.get("dense_below", 0):
            # sparse-aware training (issue 26): the runtime's block selection, attention over the chosen blocks
            y = block_sparse_attention(q, k[:, ::g], v[:, ::g], 1.0 / math.sqrt(self.c.head_dim), **self.sparse)
        elif hasattr(F, "scaled_dot_product_attention"):   # torch >= 2.0: flash / efficient kernels
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True,
                                               dropout_p=self.c.attention_dropout if self.training else 0.0)
        else:                                            # Debian torch 1.13 (local CPU tests)
            y = _attention_fallback(q, k, v)
        x = x + self.drop(self.wo(y.transpose(1, 2).reshape(B, T, -1)))
        return x + self.mlp(x)

    def forward_cached(self, x, cos, sin, add_mask, past_k, past_v):
        """Explicit attention exactly as in the ONNX graph. add_mask: [B,1,1,T,S]."""
        B, T, _ = x.shape
        c, hd = self.c, self.c.head_dim
        g = c.n_head // c.n_kv_head
        q, k, v = self.qkv(x, cos, sin)
        k = torch.cat([past_k, k], dim=2)                     # present [B,kvH,S,hd]
        v = torch.cat([past_v, v], dim=2)
        qg = q.reshape(B, c.n_kv_head, g, T, hd)
        s = torch.matmul(qg, k[:, :, None].transpose(-1, -2)) * (1.0 / math.sqrt(hd))   # [B,kvH,g,T,S]
        p = torch.softmax(s + add_mask, dim=-1)
        y = torch.matmul(p, v[:, :, None]).reshape(B, c.n_head, T, hd)
        x = x + self.wo(y.transpose(1, 2).reshape(B, T, -1))
        return x + self.mlp(x), k, v


def _attention_fallback(q, k, v):
    T = q.shape[2]
    s = (q @ k.transpose(-1, -2)) / math.sqrt(q.shape[-1])
    s = s.masked_fill(torch.ones(T, T, dtype=torch.bool, device=q.device).triu(1), float("-inf"))
    return torch.softmax(s.float(), -1).to(q.dtype) @ v


def build_mask(attention_mask, T):
    """attention_mask [B,S] (1 real, 0 pad) -> additive [B,1,1,T,S]; query i sits at S-T+i."""
    B, S = attention_mask.shape
    qpos = torch.arange(T, device=attention_mask.device)[:, None] + (S - T)
    kpos = torch.arange(S, device=attention_mask.device)[None, :]
    ok = (kpos <= qpos)[None] & (attention_mask[:, None, :] == 1)
    return torch.where(ok, 0.0, -1e9)[:, None, None].float()


class LM(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        self.embed = nn.Embedding(c.vocab_size, c.d_model)
        self.blocks = nn.ModuleList(Block(c) for _ in range(c.n_layer))
        self.norm = RMSNorm(c.d_model, c.norm_eps)
        self.apply(self._init)
        for b in self.blocks:   # scaled init of residual outputs
            nn.init.normal_(b.wo.weight, std=0.02 / math.sqrt(2 * c.n_layer))
            nn.init.normal_(b.w_down.weight, std=0.02 / math.sqrt(2 * c.n_layer))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)

    def n_params(self):
        return sum(p.numel() for p in self.parameters())

    def forward(self, idx, targets=None):
        B, T = idx.shape
        pos = torch.arange(T, device=idx.device)[None].expand(B, T)
        cos, sin = rope_cos_sin(pos, self.c.head_dim, self.c.rope_theta)
        x = self.embed(idx)
        for b in self.blocks:
            x = b(x, cos, sin)
        logits = F.linear(self.norm(x), self.embed.weight)   # tied embeddings
        if targets is None:
            return logits
        return F.cross_entropy(logits.float().view(-1, logits.shape[-1]), targets.reshape(-1), reduction="none").view(B, T)

    @torch.no_grad()
    def forward_cached(self, input_ids, attention_mask, position_ids, past):
        """Reference of the ONNX interface. past: list of (k, v) [B,kvH,P,hd]. Returns logits, presents."""
        T = input_ids.shape[1]
        cos, sin = rope_cos_sin(position_ids, self.c.head_dim, self.c.rope_theta)
        mask = build_mask(attention_mask, T)
        x = self.embed(input_ids)
        presents = []
        for b, (pk, pv) in zip(self.blocks, past):
            x, k, v = b.forward_cached(x, cos, sin, mask, pk, pv)
            presents.append((k, v))
        return F.linear(self.norm(x), self.embed.weight), presents

    def empty_past(self, B, device="cpu"):
        z = torch.zeros(B, self.c.n_kv_head, 0, self.c.head_dim, device=device)
        return [(z, z) for _ in range(self.c.n_layer)]
