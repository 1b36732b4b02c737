using Sieve.Kernels;
using Sieve.Plugins.Attention.Gpu;
using Sieve.Testing.Gpu;

namespace Sieve.Plugins.Attention.Tests;

/// <summary>The key-bounds kernels on ILGPU's CPU accelerator against the CPU <see cref="KeyBounds"/> and <see cref="KeyBoundsBlockScorer"/>, at odd shapes.</summary>
[Trait("Category", "Gpu")]
public sealed class GpuKeyBoundScoresTests : IDisposable
{
    private readonly CpuAcceleratorDevice _device = new();

    public void Dispose() => _device.Dispose();

    [Theory]
    [InlineData(2, 6, 2, 37, 193, 24, true, 16)]
    [InlineData(1, 3, 1, 193, 193, 24, true, 16)]
    [InlineData(2, 4, 2, 20, 150, 7, false, 8)]
    public void BoundsAndScores_MatchCpu(int batch, int heads, int kvHeads, int queries, int keys, int headSize, bool causal, int blockSize)
    {
        var dims = new AttentionDims(batch, heads, kvHeads, queries, keys, headSize);
        var random = new Random(queries * 13 + keys);
        float[] Fill(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        var q = Fill(batch * heads * queries * headSize);
        var k = Fill(batch * kvHeads * keys * headSize);
        var starts = Enumerable.Range(0, batch).Select(b => b == 1 ? 5 : 0).ToArray();
        var ends = Enumerable.Range(0, batch).Select(b => b == 1 ? keys - 3 : keys).ToArray();
        var scale = 1 / MathF.Sqrt(headSize);
        var maxBlocks = GpuKeyBoundScores.MaxBlocks(dims, blockSize);
        var rows = batch * kvHeads;
        var kernels = new GpuKeyBoundScores(_device);
        using var query = _device.Upload<float>(q);
        using var key = _device.Upload<float>(k);
        using var keyStarts = _device.Upload<int>(starts);
        using var keyEnds = _device.Upload<int>(ends);
        using var minimum = _device.Allocate((long)rows * maxBlocks * headSize * sizeof(float));
        using var maximum = _device.Allocate((long)rows * maxBlocks * headSize * sizeof(float));
        using var scores = _device.Allocate((long)rows * queries * maxBlocks * sizeof(float));

        kernels.LaunchBounds(dims, blockSize, key.Address, keyStarts.Address, keyEnds.Address, minimum.Address, maximum.Address);
        kernels.LaunchScores(dims, blockSize, scale, causal, query.Address, minimum.Address, maximum.Address, keyStarts.Address, keyEnds.Address, scores.Address);

        var gpuMinimum = CpuAcceleratorDevice.Download<float>(minimum);
        var gpuMaximum = CpuAcceleratorDevice.Download<float>(maximum);
        var gpuScores = CpuAcceleratorDevice.Download<float>(scores);
        for (var row = 0; row < rows; row++)
        {
            var b = row / kvHeads;
            var length = ends[b] - starts[b];
            var rowKeys = k.AsSpan((row * keys + starts[b]) * headSize, length * headSize);
            var bounds = new KeyBounds(headSize, blockSize);
            bounds.Append(rowKeys);
            for (var block = 0; block < bounds.Blocks; block++)
            {
                Assert.Equal(bounds.Minimum(block).ToArray(), gpuMinimum.AsSpan((row * maxBlocks + block) * headSize, headSize).ToArray());
                Assert.Equal(bounds.Maximum(block).ToArray(), gpuMaximum.AsSpan((row * maxBlocks + block) * headSize, headSize).ToArray());
            }
            var scorer = new KeyBoundsBlockScorer(length, headSize, dims.Group, scale, blockSize);
            scorer.Extend(rowKeys, length);
            for (var i = 0; i < queries; i++)
            {
                var visibleKeys = causal ? Math.Min(length, i + dims.CausalOffset - starts[b] + 1) : length;
                var visible = visibleKeys <= 0 ? 0 : (visibleKeys + blockSize - 1) / blockSize;
                var groupQueries = new float[dims.Group * headSize];
                for (var h = 0; h < dims.Group; h++)
                {
                    q.AsSpan((((b * heads) + (row % kvHeads) * dims.Group + h) * queries + i) * headSize, headSize).CopyTo(groupQueries.AsSpan(h * headSize));
                }
                var expected = new float[visible];
                if (visible > 0)
                {
                    scorer.Score(groupQueries, visibleKeys, expected);
                }
                var actual = gpuScores.AsSpan((row * queries + i) * maxBlocks, maxBlocks);
                for (var block = 0; block < maxBlocks; block++)
                {
                    if (block >= visible)
                    {
                        Assert.True(float.IsNegativeInfinity(actual[block]), $"row {row}, query {i}, block {block} is not visible but scored {actual[block]}");
                        continue;
                    }
                    Assert.True(Math.Abs(actual[block] - expected[block]) <= 1e-5 * Math.Max(1, Math.Abs(expected[block])),
                        $"row {row}, query {i}, block {block}: expected {expected[block]}, got {actual[block]}");
                }
            }
        }
    }
}
