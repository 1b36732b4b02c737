using System.ComponentModel.DataAnnotations;
using Sieve.Abstractions;
using static Sieve.Plugins.Attention.Tests.PerQueryBlockSparseAttentionTests;

namespace Sieve.Plugins.Attention.Tests;

/// <summary>
/// <c>attention/layer-reuse</c> on the CPU at small odd shapes (2 rows, one left- and right-padded; 193 keys; head size
/// 24; 3 query heads per key/value head): a reusing layer attends over its own keys and values on exactly the blocks
/// the computing layer chose (checked against the naive double-precision oracle); without a choice for the same step it
/// chooses itself; dense layers are dense; policies for other models and broken policy files are refused with the reason.
/// </summary>
public sealed class LayerReuseAttentionTests : IDisposable
{
    private static readonly SelectionCase Case = new(2, 6, 2, 193, 193, 24, true) { Padded = true };
    private readonly string _folder = Directory.CreateTempSubdirectory("sieve-layer-reuse-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WritePolicy(params LayerPlan[] layers)
    {
        var path = Path.Combine(_folder, $"policy-{Guid.NewGuid():N}.json");
        new LayerReusePolicy
        {
            Model = new PolicyModel("test", layers.Length, Case.Heads, Case.KvHeads, Case.HeadSize),
            Profile = new PolicyProfile("test", 1, 193, 1, 16, 5, 1, 0.9, 0, 1, 0.5, 0.5, "2026-12-08"),
            Layers = layers,
            Overlap = [.. layers.Select(_ => (IReadOnlyList<double>)[.. layers.Select(_ => 0.5)])],
        }.Write(path);
        return path;
    }

    private string StandardPolicy() => WritePolicy(
        new LayerPlan(0, LayerMode.Compute, null, 0.1), new LayerPlan(1, LayerMode.Reuse, 0, 0.1), new LayerPlan(2, LayerMode.Dense, null, 0.3));

    private static LayerReuseAttention Create(string policy) => new(Options(policy));

    private static LayerReuseAttentionOptions Options(string policy)
    {
        var template = Case.Options(BlockSelection.Compressed);
        return new LayerReuseAttentionOptions
        {
            Policy = policy, Selection = template.Selection, BlockSize = template.BlockSize, TopKBlocks = template.TopKBlocks, WindowBlocks = template.WindowBlocks,
            DenseBelow = 0, CompressionKernel = template.CompressionKernel, CompressionStride = template.CompressionStride,
            NormalizerKernel = template.NormalizerKernel, NormalizerStride = template.NormalizerStride,
        };
    }

    /// <summary>Inputs of one layer: the case's shapes, values from the layer's own seed.</summary>
    private static (Inputs Inputs, NaiveBlockSelection Naive) Layer(int seed)
    {
        var random = new Random(seed);
        float[] Fill(int count) => [.. Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 4 - 2))];
        var q = Fill(Case.Batch * Case.Heads * Case.Queries * Case.HeadSize);
        var k = Fill(Case.Batch * Case.KvHeads * Case.Keys * Case.HeadSize);
        var v = Fill(Case.Batch * Case.KvHeads * Case.Keys * Case.HeadSize);
        int[] starts = [0, 5];
        int[] ends = [Case.Keys, Case.Keys - 3];
        return (new Inputs(q, k, v, starts, ends),
            new NaiveBlockSelection(q, k, v, Case.Heads, Case.KvHeads, Case.Queries, Case.Keys, Case.HeadSize, starts, ends, true, null, Case.Options(BlockSelection.Compressed)));
    }

    private static float[] Run(IAttention attention, int layer, Inputs inputs, OperatorRunContext run, int[]? ends = null)
    {
        var c = Case;
        var output = new float[c.Batch * c.Heads * c.Queries * c.HeadSize];
        attention.Compute(new AttentionCall
        {
            Shape = new AttentionShape(c.Heads, c.KvHeads, c.HeadSize, 1 / MathF.Sqrt(c.HeadSize), true, layer),
            Query = new TensorView<float>(inputs.Query.AsMemory(), new TensorShape(c.Batch, c.Heads, c.Queries, c.HeadSize)),
            Key = new TensorView<float>(inputs.Key.AsMemory(), new TensorShape(c.Batch, c.KvHeads, c.Keys, c.HeadSize)),
            Value = new TensorView<float>(inputs.Value.AsMemory(), new TensorShape(c.Batch, c.KvHeads, c.Keys, c.HeadSize)),
            KeyStarts = new TensorView<int>(inputs.Starts.AsMemory(), new TensorShape(c.Batch)),
            KeyEnds = new TensorView<int>((ends ?? inputs.Ends).AsMemory(), new TensorShape(c.Batch)),
            Output = new TensorView<float>(output.AsMemory(), new TensorShape(c.Batch, c.Heads, c.Queries, c.HeadSize)),
            Context = run,
        });
        return output;
    }

    /// <summary>Checks every visible query of every head against the naive attention over the blocks <paramref name="blocksOf"/> gives.</summary>
    private static void AssertAttends(float[] output, NaiveBlockSelection naive, Func<int, int, int, int[]> blocksOf)
    {
        var c = Case;
        for (var b = 0; b < c.Batch; b++)
        {
            for (var h = 0; h < c.Heads; h++)
            {
                for (var i = 0; i < c.Queries; i++)
                {
                    if (naive.VisibleKeys(b, i) <= 0)
                    {
                        continue;
                    }
                    var reference = naive.Attend(b, h, i, blocksOf(b, h / naive.Group, i));
                    for (var x = 0; x < c.HeadSize; x++)
                    {
                        var got = output[((b * c.Heads + h) * c.Queries + i) * c.HeadSize + x];
                        Assert.True(Math.Abs(got - reference[x]) < 1e-4, $"row {b}, head {h}, query {i}, feature {x}: expected {reference[x]}, got {got}");
                    }
                }
            }
        }
    }

    private static int[] OwnChoice(NaiveBlockSelection naive, int b, int g, int i) => naive.Choose(b, i, naive.Scores(b, g, i)).Blocks;

    [Fact]
    public void Compute_ReusingLayer_AttendsItsOwnKeysOnTheBlocksTheComputingLayerChose()
    {
        var attention = Create(StandardPolicy());
        var (first, firstNaive) = Layer(1);
        var (second, secondNaive) = Layer(2);
        var run = new OperatorRunContext(DeviceKind.Cpu);

        AssertAttends(Run(attention, 0, first, run), firstNaive, (b, g, i) => OwnChoice(firstNaive, b, g, i));
        AssertAttends(Run(attention, 1, second, run), secondNaive, (b, g, i) => OwnChoice(firstNaive, b, g, i));

        // The two layers would choose differently on their own: the test tells reuse from choosing.
        var differ = Enumerable.Range(0, Case.Queries).Count(i => secondNaive.VisibleKeys(0, i) > 0
            && !OwnChoice(firstNaive, 0, 0, i).SequenceEqual(OwnChoice(secondNaive, 0, 0, i)));
        Assert.True(differ > 10, $"only {differ} queries choose differently in the two layers");
    }

    [Fact]
    public void Compute_ReusingLayerWithoutAChoiceOfTheSameStep_ChoosesItself()
    {
        var attention = Create(StandardPolicy());
        var (first, _) = Layer(1);
        var (second, secondNaive) = Layer(2);

        // No computing layer ran in this context.
        AssertAttends(Run(attention, 1, second, new OperatorRunContext(DeviceKind.Cpu)), secondNaive, (b, g, i) => OwnChoice(secondNaive, b, g, i));

        // The computing layer ran for another step (fewer valid keys): its choice does not fit.
        var run = new OperatorRunContext(DeviceKind.Cpu);
        Run(attention, 0, first, run, ends: [150, 150]);
        AssertAttends(Run(attention, 1, second, run), secondNaive, (b, g, i) => OwnChoice(secondNaive, b, g, i));
    }

    [Fact]
    public void Compute_DenseLayer_AttendsOverEveryVisibleBlock()
    {
        var attention = Create(StandardPolicy());
        var (inputs, naive) = Layer(3);
        var all = Enumerable.Range(0, 13).ToArray();
        AssertAttends(Run(attention, 2, inputs, new OperatorRunContext(DeviceKind.Cpu)), naive,
            (b, _, i) => [.. all.Where(block => block * 16 < naive.VisibleKeys(b, i))]);
    }

    [Fact]
    public void Compute_DecodeStepsInOneRun_ReuseEachStepsChoiceAndKeepTheReusingLayersKeys()
    {
        // One row, an in-place cache of 193 positions, decode steps 150..159: layer 0 computes, layer 1 reuses.
        var one = new SelectionCase(1, 6, 2, 193, 193, 24, true);
        var (first, firstNaive) = one.Build(one.Options(BlockSelection.Compressed));
        var second = first with { Query = [.. first.Query.Select(x => -0.5f * x)], Key = [.. first.Key.Reverse()], Value = [.. first.Value.Reverse()] };
        var secondNaive = new NaiveBlockSelection(second.Query, second.Key, second.Value, 6, 2, 193, 193, 24, [0], [193], true, null, one.Options(BlockSelection.Compressed));
        var attention = Create(StandardPolicy());
        var run = new OperatorRunContext(DeviceKind.Cpu);
        KeyHeadState?[]? kept = null;
        for (var t = 150; t < 160; t++)
        {
            var step = one with { Queries = 1 };
            float[] Step(int layer, Inputs inputs)
            {
                var cut = inputs.DecodeStep(one, t, one.Keys);
                var output = new float[one.Heads * one.HeadSize];
                attention.Compute(new AttentionCall
                {
                    Shape = new AttentionShape(6, 2, 24, 1 / MathF.Sqrt(24), true, layer) { CausalOffset = t },
                    Query = new TensorView<float>(cut.Query.AsMemory(), new TensorShape(1, 6, 1, 24)),
                    Key = new TensorView<float>(cut.Key.AsMemory(), new TensorShape(1, 2, 193, 24)),
                    Value = new TensorView<float>(cut.Value.AsMemory(), new TensorShape(1, 2, 193, 24)),
                    KeyStarts = new TensorView<int>(new[] { 0 }.AsMemory(), new TensorShape(1)),
                    KeyEnds = new TensorView<int>(new[] { t + 1 }.AsMemory(), new TensorShape(1)),
                    Output = new TensorView<float>(output.AsMemory(), new TensorShape(1, 6, 1, 24)),
                    Context = run,
                });
                return output;
            }
            Step(0, first);
            var output = Step(1, second);
            for (var h = 0; h < 6; h++)
            {
                var reference = secondNaive.Attend(0, h, t, OwnChoice(firstNaive, 0, h / 3, t));
                for (var x = 0; x < 24; x++)
                {
                    Assert.True(Math.Abs(output[h * 24 + x] - reference[x]) < 1e-4, $"step {t}, head {h}, feature {x}: expected {reference[x]}, got {output[h * 24 + x]}");
                }
            }
            Assert.True(run.TryGet<KeyHeadState?[]>("attention/block-sparse/compressed/layer1", out var states));
            kept ??= [.. states!];
            Assert.Same(kept[0], states![0]); // extended by the step's key, not rebuilt
            Assert.Equal(t + 1, states[0]!.Panel.Keys);
        }
    }

    [Fact]
    public void CheckSupport_AnotherModelOrDevice_IsRefusedWithTheReason()
    {
        var policy = StandardPolicy();
        var attention = Create(policy);
        var shape = new AttentionShape(Case.Heads, Case.KvHeads, Case.HeadSize, 0.2f, true, 1) { Layers = 3 };

        Assert.Null(attention.CheckSupport(shape));
        Assert.Null(attention.CheckSupport(shape with { QueryHeads = 0, KeyValueHeads = 0, HeadSize = 0 })); // known only at run time
        Assert.Contains("a model of 3 attention layers, this one has 4", attention.CheckSupport(shape with { Layers = 4 }), StringComparison.Ordinal);
        Assert.Contains(policy, attention.CheckSupport(shape with { Layers = 4 }), StringComparison.Ordinal);
        Assert.Contains("layer 1 has 6, 2 of size 32", attention.CheckSupport(shape with { HeadSize = 32 }), StringComparison.Ordinal);
        Assert.Contains("CPU only", attention.CheckSupport(shape with { Device = DeviceKind.Cuda }), StringComparison.Ordinal);
        Assert.Equal("reuses layer 0's blocks; sensitivity 0.100 (policy " + Path.GetFileName(policy) + ")", attention.Describe(shape));
    }

    [Fact]
    public void Compute_HeadsUnlikeThePolicysAtRunTime_Throw()
    {
        var path = Path.Combine(_folder, "other.json");
        var other = LayerReusePolicy.Read(StandardPolicy()) with { Model = new PolicyModel("other", 3, 8, 2, 24) };
        other.Write(path);
        var (inputs, _) = Layer(1);
        var error = Assert.Throws<NotSupportedException>(() => Run(Create(path), 0, inputs, new OperatorRunContext(DeviceKind.Cpu)));
        Assert.Contains("8 query heads", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BrokenPolicies_NameTheFileAndTheProblem()
    {
        var missing = Path.Combine(_folder, "missing.json");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => LayerReusePolicy.Read(missing)).Message, StringComparison.Ordinal);

        var json = Path.Combine(_folder, "broken.json");
        File.WriteAllText(json, "{\n  \"format\": \"sieve-layer-reuse/1\",\n  \"model\": {,\n}");
        var error = Assert.Throws<InvalidDataException>(() => LayerReusePolicy.Read(json));
        Assert.Contains(json, error.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);

        var early = WritePolicy(new LayerPlan(0, LayerMode.Reuse, 0, 0), new LayerPlan(1, LayerMode.Compute, null, 0));
        Assert.Contains("has layer 0 reuse a selection before any layer computes one", Assert.Throws<InvalidDataException>(() => LayerReusePolicy.Read(early)).Message, StringComparison.Ordinal);

        var skipping = WritePolicy(new LayerPlan(0, LayerMode.Compute, null, 0), new LayerPlan(1, LayerMode.Compute, null, 0), new LayerPlan(2, LayerMode.Reuse, 0, 0));
        Assert.Contains("has layer 2 reuse layer 0, but the most recent computing layer before it is 1",
            Assert.Throws<InvalidDataException>(() => LayerReusePolicy.Read(skipping)).Message, StringComparison.Ordinal);

        var headless = Path.Combine(_folder, "headless.json");
        (LayerReusePolicy.Read(StandardPolicy()) with { Model = new PolicyModel("x", 3, 0, 0, 0) }).Write(headless);
        Assert.Contains("describes no runnable model", Assert.Throws<InvalidDataException>(() => LayerReusePolicy.Read(headless)).Message, StringComparison.Ordinal);

        var mode = WritePolicy(new LayerPlan(0, "sparse", null, 0));
        Assert.Contains("mode 'sparse'", Assert.Throws<InvalidDataException>(() => LayerReusePolicy.Read(mode)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_MissingPolicyOrTileSelection_AreRefusedNamingTheSetting()
    {
        static List<ValidationResult> Validate(LayerReuseAttentionOptions options)
        {
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
            return results;
        }

        var missing = Assert.Single(Validate(new LayerReuseAttentionOptions()));
        Assert.Equal(["Policy"], missing.MemberNames);
        Assert.Contains("sieve profile", missing.ErrorMessage, StringComparison.Ordinal);

        var absent = Path.Combine(_folder, "absent.json");
        Assert.Contains(absent, Assert.Single(Validate(new LayerReuseAttentionOptions { Policy = absent })).ErrorMessage, StringComparison.Ordinal);

        var options = Options(StandardPolicy());
        options.Selection = BlockSelection.CompressedTile;
        var tile = Assert.Single(Validate(options));
        Assert.Equal(["Selection"], tile.MemberNames);
    }
}
