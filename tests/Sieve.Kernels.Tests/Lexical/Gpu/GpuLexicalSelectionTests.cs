using Sieve.Abstractions;
using Sieve.Kernels.Lexical;
using Sieve.Kernels.Lexical.Gpu;
using Sieve.Testing.Gpu;

namespace Sieve.Kernels.Tests.Lexical.Gpu;

/// <summary>
/// The GPU term selection (<see cref="LexicalTopKKernel"/>, run on ILGPU's CPU accelerator) against the host's
/// <see cref="LexicalSelection.Select"/>, on weights full of ties (five levels), with excluded terms, a threshold, an
/// all-zero row and rows longer than a group.
/// </summary>
[Trait("Category", "Gpu")]
public sealed class GpuLexicalSelectionTests : IDisposable
{
    private const int Vocabulary = 601;
    private const int Batch = 3;

    private readonly CpuAcceleratorDevice _device = new();

    public void Dispose() => _device.Dispose();

    [Fact]
    public void Select_OnDeviceWithDistinctWeights_KeepsTheHostsTopK()
    {
        const int vocabulary = 3001;
        var random = new Random(5);
        var weights = new float[2 * vocabulary];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = random.NextSingle() * 3f * (random.Next(4) == 0 ? 0f : 1f); // a quarter zeros, the rest distinct
        }
        var options = new LexicalHeadOptions { TopK = 100, Threshold = 0.1f };
        var projection = new VocabularyProjection(new float[vocabulary * 4], ReadOnlyMemory<float>.Empty, vocabulary, 4, new[] { 7 });
        using var gpu = new GpuLexicalWeights(_device, projection);
        using var onDevice = _device.Upload<float>(weights);
        var actual = new SparseVector[2];

        gpu.Select(onDevice.Address, 2, options, actual);

        for (var b = 0; b < 2; b++)
        {
            var expected = LexicalSelection.Select(weights.AsSpan(b * vocabulary, vocabulary).ToArray(), [7], options);
            Assert.Equal(100, expected.Count);
            Assert.Equal(expected.Terms.ToArray(), actual[b].Terms.ToArray());
            Assert.Equal(expected.Weights.ToArray(), actual[b].Weights.ToArray());
        }
    }

    [Theory]
    [InlineData(0, 0f)]
    [InlineData(1, 0f)]
    [InlineData(3, 0f)]
    [InlineData(77, 0f)]
    [InlineData(200, 0f)]
    [InlineData(Vocabulary, 0f)]
    [InlineData(Vocabulary + 5, 0f)]
    [InlineData(0, 0.5f)]
    [InlineData(40, 0.5f)]
    [InlineData(40, 2f)]
    public void Select_OnDevice_KeepsWhatTheHostKeeps(int topK, float threshold)
    {
        var random = new Random(topK * 31 + (int)(threshold * 10));
        var levels = new[] { 0f, 0.25f, 0.5f, 0.75f, 1.5f };
        var weights = new float[Batch * Vocabulary];
        for (var i = 0; i < Vocabulary * (Batch - 1); i++) // the last row stays all zero
        {
            weights[i] = levels[random.Next(levels.Length)];
        }
        int[] excluded = [0, 101, 102, 600];
        var options = new LexicalHeadOptions { TopK = topK, Threshold = threshold };
        var expected = new SparseVector[Batch];
        for (var b = 0; b < Batch; b++)
        {
            expected[b] = LexicalSelection.Select(weights.AsSpan(b * Vocabulary, Vocabulary).ToArray(), excluded, options);
        }
        var projection = new VocabularyProjection(new float[Vocabulary * 4], ReadOnlyMemory<float>.Empty, Vocabulary, 4, excluded);
        using var gpu = new GpuLexicalWeights(_device, projection);
        using var onDevice = _device.Upload<float>(weights);
        var actual = new SparseVector[Batch];

        gpu.Select(onDevice.Address, Batch, options, actual);

        Assert.Empty(expected[Batch - 1].Terms.ToArray());
        if (topK is > 0 and < 200 && threshold == 0)
        {
            Assert.Equal(topK, expected[0].Count); // enough candidates: the cut falls inside a level of ties
        }
        for (var b = 0; b < Batch; b++)
        {
            Assert.Equal(expected[b].Terms.ToArray(), actual[b].Terms.ToArray());
            Assert.Equal(expected[b].Weights.ToArray(), actual[b].Weights.ToArray());
        }
    }
}
