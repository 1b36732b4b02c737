using ILGPU;
using Sieve.Kernels.Gpu;

namespace Sieve.Plugins.Attention.Gpu;

/// <summary>
/// <c>key-bounds</c> block scores on the GPU, per query token and key/value head (the numbers of
/// <see cref="KeyBoundsBlockScorer"/>): scale · Σ over the group's query heads of Σᵢ max(qᵢ·minᵢ, qᵢ·maxᵢ) for every
/// block the query sees; blocks it does not see get −∞. Launch: grid (⌈MaxBlocks / 256⌉, B·Hkv·T, 1), group 256, no
/// shared memory; one thread per (row, query, block).
/// </summary>
public static class BlockBoundScoresKernel
{
    /// <summary>Threads per group.</summary>
    public const int Threads = 256;

    /// <summary>The kernel.</summary>
    /// <param name="query">[B, Hq, T, D].</param>
    /// <param name="minimum">[B·Hkv, MaxBlocks, D] (<see cref="BlockKeyBoundsKernel"/>).</param>
    /// <param name="maximum">[B·Hkv, MaxBlocks, D].</param>
    /// <param name="keyStarts">[B].</param>
    /// <param name="keyEnds">[B].</param>
    /// <param name="scores">[B·Hkv·T, MaxBlocks].</param>
    /// <param name="p">The sizes.</param>
    [GpuKernel]
    public static void Run(ArrayView<float> query, ArrayView<float> minimum, ArrayView<float> maximum, ArrayView<int> keyStarts, ArrayView<int> keyEnds,
        ArrayView<float> scores, BlockBoundScoresParameters p)
    {
        var block = Grid.IdxX * Threads + Group.IdxX;
        if (block >= p.MaxBlocks)
        {
            return;
        }
        var item = Grid.IdxY;
        var q = item % p.QueryLength;
        var row = item / p.QueryLength;
        var kvHead = row % p.KeyValueHeads;
        var batch = row / p.KeyValueHeads;
        var end = IntrinsicMath.Clamp(keyEnds[batch], 0, p.KeyLength);
        var start = IntrinsicMath.Clamp(keyStarts[batch], 0, end);
        var length = end - start;
        var visibleKeys = p.Causal != 0 ? IntrinsicMath.Min(length, q + p.CausalOffset - start + 1) : length;
        var visible = visibleKeys <= 0 ? 0 : (visibleKeys + p.BlockSize - 1) / p.BlockSize;
        var score = float.NegativeInfinity;
        if (block < visible)
        {
            var group = p.QueryHeads / p.KeyValueHeads;
            var bounds = (row * p.MaxBlocks + block) * p.HeadSize;
            var bound = 0f;
            for (var h = 0; h < group; h++)
            {
                var at = ((batch * p.QueryHeads + kvHead * group + h) * p.QueryLength + q) * p.HeadSize;
                for (var d = 0; d < p.HeadSize; d++)
                {
                    var x = query[at + d];
                    bound += IntrinsicMath.Max(x * minimum[bounds + d], x * maximum[bounds + d]);
                }
            }
            score = bound * p.Scale;
        }
        scores[item * p.MaxBlocks + block] = score;
    }
}
