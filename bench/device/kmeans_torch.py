"""The PyTorch peer of `sieve bench kmeans` on the same GPU: one k-means assignment pass as torch.cdist (the N x K
distance matrix, materialized) + argmin, fp32 (TF32 off), at the issue's shapes. Points are the same kind of Gaussian
mixture as the benchmark (K centres uniform in [-1, 1]^d, noise N(0, 0.25^2)); centroids are K of the points. CUDA-event
median of 10 after 3 warm-ups. Run on the GPU machine: python3 bench/device/kmeans_torch.py [NxKxD ...]"""
import sys

import torch

torch.backends.cuda.matmul.allow_tf32 = False
shapes = sys.argv[1:] or ["1000000x1024x128", "131072x4096x512"]
dev = "cuda"
g = torch.Generator(device=dev).manual_seed(20261208)
print(f"{torch.cuda.get_device_name()}; torch {torch.__version__}; cdist + argmin, fp32, TF32 off")
print("      N      K     d   cdist+argmin ms   GFLOP/s   matrix MiB")
for shape in shapes:
    n, k, d = (int(x) for x in shape.split("x"))
    centres = torch.rand(k, d, device=dev, generator=g) * 2 - 1
    points = centres[torch.randint(0, k, (n,), device=dev, generator=g)] + 0.25 * torch.randn(n, d, device=dev, generator=g)
    centroids = points[torch.randperm(n, device=dev, generator=g)[:k]].clone()

    def assign():
        return torch.cdist(points, centroids).argmin(dim=1)

    with torch.no_grad():
        for _ in range(3):
            assign()
        torch.cuda.synchronize()
        times = []
        for _ in range(10):
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            assign()
            end.record()
            torch.cuda.synchronize()
            times.append(start.elapsed_time(end))
    ms = sorted(times)[len(times) // 2]
    print(f"{n:7d} {k:6d} {d:5d}   {ms:15.2f}   {2 * n * k * d / ms / 1e6:7.1f}   {4 * n * k / 2**20:10.0f}")
    del points, centroids, centres
    torch.cuda.empty_cache()
