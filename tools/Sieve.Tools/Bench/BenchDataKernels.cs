using ILGPU;
using Sieve.Kernels.Gpu;

namespace Sieve.Tools.Bench;

/// <summary>
/// Benchmark inputs made on the GPU (gigabytes at 128K tokens; the host would take longer to make and copy them).
/// Rows [rows, dim] of a head follow smooth position features plus noise: feature d is cos(ω_d·t + φ_d) with
/// frequencies spread geometrically as in rotary embeddings, so the similarity of two positions decays with their
/// distance while a few slow features keep far tokens related (the locality real long-context attention shows).
/// </summary>
internal static class BenchDataKernels
{
    public const int GroupSize = 256;

    /// <summary>
    /// target[h, t, d] = amplitude·cos(ω_d·t + φ_{h/headsPerPhase, d}) + noise·u(seed, h, t, d), u uniform in [−1, 1), with
    /// ω_d = ratio^(d/2) (ratio = 10000^(−2/dim) as in rotary embeddings; powers by multiplication: PTX has no pow).
    /// Queries and keys filled with the same <paramref name="phaseSeed"/> (query heads grouped per key head) share
    /// phases, so q_i·k_j ≈ ½·amplitude²·Σ_d cos(ω_d·(i − j)) + noise: largest at i = j, decaying with the distance.
    /// </summary>
    [GpuKernel]
    public static void Fill(ArrayView<float> target, int heads, int rows, int dim, int seed, int phaseSeed, int headsPerPhase, float amplitude, float noise, float ratio)
    {
        var total = heads * rows * dim;
        for (var i = Grid.IdxX * Group.DimX + Group.IdxX; i < total; i += Grid.DimX * Group.DimX)
        {
            var d = i % dim;
            var t = i / dim % rows;
            var h = i / (dim * rows);
            var frequency = 1f;
            for (var p = 0; p < d / 2; p++)
            {
                frequency *= ratio;
            }
            var phase = Uniform(phaseSeed * 7919 + h / headsPerPhase * 131 + d) * 3.14159265f;
            target[i] = amplitude * MathF.Cos(frequency * t + phase) + noise * Uniform(seed ^ i);
        }
    }

    /// <summary>A hash of <paramref name="key"/> mapped to [−1, 1).</summary>
    private static float Uniform(int key)
    {
        var x = (uint)key;
        x ^= x >> 16;
        x *= 0x7feb352d;
        x ^= x >> 15;
        x *= 0x846ca68b;
        x ^= x >> 16;
        return (x >> 8) * (2f / 16777216f) - 1f;
    }
}
