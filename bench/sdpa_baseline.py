"""The peer of `sieve bench gpu-attention`: PyTorch scaled_dot_product_attention on the same shapes, same card, same call.

Causal, batch 1, 32 query heads over 8 key/value heads (expanded to 32, as SDPA takes equal heads), head size 128;
fp16 (FlashAttention backend) and fp32 (whichever backend PyTorch picks for fp32: TF32 is off). CUDA events, median.
Usage: python3 bench/sdpa_baseline.py --lengths 4096,16384,65536,131072 --json out.json
"""
import argparse
import json
import statistics

import torch
import torch.nn.functional as F


def time_ms(call, runs, warm_up=1):
    for _ in range(warm_up):
        call()
    torch.cuda.synchronize()
    times = []
    for _ in range(runs):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        call()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times), times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lengths", default="4096,16384,65536,131072")
    parser.add_argument("--heads", type=int, default=32)
    parser.add_argument("--kv-heads", type=int, default=8)
    parser.add_argument("--head-size", type=int, default=128)
    parser.add_argument("--fp32-max", type=int, default=131072, help="longest length timed in fp32")
    parser.add_argument("--json")
    args = parser.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    device = torch.device("cuda")
    print(f"PyTorch {torch.__version__} on {torch.cuda.get_device_name(0)}; SDPA causal, batch 1, {args.heads} heads "
          f"({args.kv_heads} KV heads expanded), head size {args.head_size}; CUDA events, median")
    results = []
    for length in [int(x) for x in args.lengths.split(",")]:
        flops = 4.0 * length * length * args.head_size * args.heads / 2
        for dtype, label in ((torch.float16, "sdpa-fp16"), (torch.float32, "sdpa-fp32")):
            if dtype == torch.float32 and length > args.fp32_max:
                continue
            q = torch.randn(1, args.heads, length, args.head_size, device=device, dtype=dtype)
            k = torch.randn(1, args.kv_heads, length, args.head_size, device=device, dtype=dtype)
            v = torch.randn(1, args.kv_heads, length, args.head_size, device=device, dtype=dtype)
            group = args.heads // args.kv_heads
            k = k.repeat_interleave(group, dim=1)
            v = v.repeat_interleave(group, dim=1)
            runs = 20 if length <= 16384 else (5 if dtype == torch.float16 else 2)
            try:
                ms, times = time_ms(lambda: F.scaled_dot_product_attention(q, k, v, is_causal=True), runs)
            except torch.OutOfMemoryError as error:
                print(f"{label:<14} {length:>8}  out of memory: {error}")
                continue
            tflops = flops / (ms * 1e-3) / 1e12
            print(f"{label:<14} {length:>8} {ms:>10.3f} {tflops:>9.1f} {runs:>5}")
            results.append({"kernel": label, "length": length, "ms": ms, "tflops": tflops, "runs": times})
            del q, k, v
            torch.cuda.empty_cache()
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"device": torch.cuda.get_device_name(0), "torch": torch.__version__, "results": results}, f, indent=2)


if __name__ == "__main__":
    main()
