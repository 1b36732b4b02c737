"""The PyTorch eager dense lexical head, the peer of `sieve bench lexical-head` on the same GPU: logits = H·Wᵀ + b
materialized [B, S, V], then log1p(relu(.)) masked and max-pooled over tokens (the SPLADE formula as written), in fp32
(TF32 off) and in fp16 inputs. Same shapes and distributions as the benchmark; CUDA-event median of 20 after 3 warm-ups."""
import torch

B, S, D, V = 32, 256, 384, 30522
torch.backends.cuda.matmul.allow_tf32 = False
g = torch.Generator(device="cuda").manual_seed(20261127)
dev = "cuda"
W = (torch.rand(V, D, device=dev, generator=g) * 2 - 1) / D ** 0.5
b = torch.full((V,), -1.0, device=dev)
H = (torch.rand(B, S, D, device=dev, generator=g) * 2 - 1) * 2
mask = torch.ones(B, S, device=dev)


def head(h, w, bias):
    logits = h @ w.T + bias
    return torch.max(torch.log1p(torch.relu(logits)) * mask.unsqueeze(-1).to(logits.dtype), dim=1).values


print(f"{torch.cuda.get_device_name()}; torch {torch.__version__}; B{B} S{S} d{D} V{V}")
reference = None
for name, dtype in (("fp32", torch.float32), ("fp16", torch.float16)):
    h, w, bias = H.to(dtype), W.to(dtype), b.to(dtype)
    with torch.no_grad():
        for _ in range(3):
            out = head(h, w, bias)
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated()
        times = []
        for _ in range(20):
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            out = head(h, w, bias)
            end.record()
            torch.cuda.synchronize()
            times.append(start.elapsed_time(end))
        peak = (torch.cuda.max_memory_allocated() - base) / 2 ** 20
    times.sort()
    out = out.float()
    if reference is None:
        reference = out
    print(f"PyTorch eager dense head {name}: median {times[len(times) // 2]:.3f} ms (GPU time, CUDA events), "
          f"min {times[0]:.3f}, peak extra memory {peak:.0f} MiB, max |w - w_fp32| {float((out - reference).abs().max()):.3g}")
