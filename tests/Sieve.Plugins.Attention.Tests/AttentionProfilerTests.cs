using Sieve.Abstractions;

namespace Sieve.Plugins.Attention.Tests;

/// <summary>
/// <see cref="AttentionProfiler"/>: its outputs are dense attention's, its samples are the oracle's block sets with the
/// forced blocks, its sensitivity counts the blocks that hold the asked share, and the overlap of two layers is the
/// share of the later layer's blocks the earlier one holds.
/// </summary>
public sealed class AttentionProfilerTests
{
    [Fact]
    public void BlocksCovering_CountsTheLargestBlocksUntilTheShareIsReached()
    {
        Assert.Equal(1, AttentionProfiler.BlocksCovering([0.025f, 0.95f, 0.025f], 0.9));
        Assert.Equal(2, AttentionProfiler.BlocksCovering([0.05f, 0.85f, 0.1f], 0.9));
        Assert.Equal(4, AttentionProfiler.BlocksCovering([0.25f, 0.25f, 0.25f, 0.25f], 0.9));
    }

    [Fact]
    public void Overlap_IsTheShareOfTheLaterLayersBlocksTheEarlierHolds()
    {
        var early = new LayerProfile();
        var late = new LayerProfile();
        early.Add([new ProfileSample([0, 3, 7, 8], 0.2), new ProfileSample([0, 1], 0.4)]);
        late.Add([new ProfileSample([0, 3, 5, 8], 0.1), new ProfileSample([0, 2], 0.1)]);

        Assert.Equal((3 / 4.0 + 1 / 2.0) / 2, early.Overlap(late), 12);
        Assert.Equal(0.3, early.Sensitivity, 12);
        Assert.Equal(1, early.Overlap(early), 12);
    }

    [Fact]
    public void Compute_GivesDenseOutputsAndSamplesTheOraclesBlocks()
    {
        var c = new PerQueryBlockSparseAttentionTests.SelectionCase(1, 6, 2, 193, 193, 24, true);
        var options = c.Options(BlockSelection.Oracle);
        var (inputs, naive) = c.Build(options);
        var profiler = new AttentionProfiler(options, sampleEvery: 8, coverage: 0.9);
        var output = new float[c.Heads * c.Queries * c.HeadSize];
        profiler.Compute(new AttentionCall
        {
            Shape = new AttentionShape(c.Heads, c.KvHeads, c.HeadSize, 1 / MathF.Sqrt(c.HeadSize), true, 3),
            Query = new TensorView<float>(inputs.Query.AsMemory(), new TensorShape(1, c.Heads, c.Queries, c.HeadSize)),
            Key = new TensorView<float>(inputs.Key.AsMemory(), new TensorShape(1, c.KvHeads, c.Keys, c.HeadSize)),
            Value = new TensorView<float>(inputs.Value.AsMemory(), new TensorShape(1, c.KvHeads, c.Keys, c.HeadSize)),
            KeyStarts = new TensorView<int>(inputs.Starts.AsMemory(), new TensorShape(1)),
            KeyEnds = new TensorView<int>(inputs.Ends.AsMemory(), new TensorShape(1)),
            Output = new TensorView<float>(output.AsMemory(), new TensorShape(1, c.Heads, c.Queries, c.HeadSize)),
            Context = new OperatorRunContext(DeviceKind.Cpu),
        });

        var all = Enumerable.Range(0, 13).ToArray();
        for (var h = 0; h < c.Heads; h++)
        {
            foreach (var i in new[] { 0, 50, 192 })
            {
                var reference = naive.Attend(0, h, i, [.. all.Where(b => b * 16 < naive.VisibleKeys(0, i))]);
                for (var x = 0; x < c.HeadSize; x++)
                {
                    Assert.True(Math.Abs(output[(h * c.Queries + i) * c.HeadSize + x] - reference[x]) < 1e-4);
                }
            }
        }
        // Sampled: queries 7, 15, ... with more than TopK (5) visible blocks, i.e. from query 80 on; rows in (kv head, query) order.
        var queries = Enumerable.Range(0, 193).Where(q => q % 8 == 7 && (q + 16) / 16 > 5).ToArray();
        var samples = profiler.Layers[3].Samples;
        Assert.Equal(queries.Length * c.KvHeads, samples.Count);
        for (var g = 0; g < c.KvHeads; g++)
        {
            for (var n = 0; n < queries.Length; n++)
            {
                var expected = naive.Choose(0, queries[n], naive.Scores(0, g, queries[n])).Blocks;
                Assert.Equal(expected, samples[g * queries.Length + n].Blocks);
                Assert.InRange(samples[g * queries.Length + n].CoverageFraction, 1 / 13.0, 1);
            }
        }
    }
}
