using Sieve.Abstractions;
using Sieve.Kernels.Lexical;

namespace Sieve.Host.Tests.Operators.LexicalHead;

/// <summary>One suite run against both heads: each must match the naive oracle and behave the same at the edges.</summary>
public sealed class LexicalHeadTests
{
    private static readonly LexicalHeadOptions KeepAll = new() { TopK = 0 };

    public static TheoryData<string> Heads => [LexicalHeads.Dense, LexicalHeads.Fused];

    /// <summary>(batch, sequence, vocabulary, hidden): sizes that are not multiples of the tiles.</summary>
    public static TheoryData<int, int, int, int> Shapes => new()
    {
        { 1, 1, 7, 1 },
        { 1, 1, 7, 5 },
        { 3, 17, 193, 33 },
        { 2, 5, 16, 8 },
        { 4, 9, 61, 7 },
        { 2, 70, 300, 384 },
    };

    public static TheoryData<string, int, int, int, int> HeadsAndShapes()
    {
        var data = new TheoryData<string, int, int, int, int>();
        foreach (var head in new[] { LexicalHeads.Dense, LexicalHeads.Fused })
        {
            foreach (var row in Shapes)
            {
                data.Add(head, (int)row[0], (int)row[1], (int)row[2], (int)row[3]);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(HeadsAndShapes))]
    public void Encode_OddShapes_MatchesOracle(string head, int batch, int sequence, int vocabulary, int hidden)
    {
        var fixture = new LexicalHeadFixture(batch, sequence, vocabulary, hidden);

        var actual = fixture.Densify(fixture.Encode(head, KeepAll));

        LexicalHeadFixture.AssertClose(fixture.Oracle(), actual);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Encode_OddShapes_FusedMatchesDense(int batch, int sequence, int vocabulary, int hidden)
    {
        var fixture = new LexicalHeadFixture(batch, sequence, vocabulary, hidden, seed: 11);

        var dense = fixture.Densify(fixture.Encode(LexicalHeads.Dense, KeepAll));
        var fused = fixture.Densify(fixture.Encode(LexicalHeads.Fused, KeepAll));

        LexicalHeadFixture.AssertClose(dense, fused);
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void Encode_PaddingChanged_OutputUnchanged(string head)
    {
        var fixture = new LexicalHeadFixture(4, 13, 97, 19);
        fixture.Lengths[0] = 5;
        var before = fixture.Encode(head, KeepAll);
        var changed = (float[])fixture.Hidden.Clone();
        for (var b = 0; b < fixture.Batch; b++)
        {
            var padding = changed.AsSpan((b * fixture.Sequence + fixture.Lengths[b]) * fixture.HiddenSize,
                (fixture.Sequence - fixture.Lengths[b]) * fixture.HiddenSize);
            padding.Fill(b % 2 == 0 ? 1e6f : float.NaN);
        }

        var after = fixture.Encode(head, KeepAll, hidden: changed);

        for (var b = 0; b < fixture.Batch; b++)
        {
            Assert.Equal(before[b].Terms.ToArray(), after[b].Terms.ToArray());
            Assert.Equal(before[b].Weights.ToArray(), after[b].Weights.ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void Encode_ViewOverSpan_MatchesOracle(string head)
    {
        var fixture = new LexicalHeadFixture(3, 6, 41, 9);
        using var encoder = LexicalHeads.Create(head, KeepAll).Bind(fixture.Projection());
        var output = new SparseVector[fixture.Batch];

        encoder.Encode(new LexicalEncodeCall { Hidden = new TensorView<float>(fixture.Hidden.AsSpan(), new TensorShape(3, 6, 9)), Lengths = fixture.Lengths, Output = output });

        LexicalHeadFixture.AssertClose(fixture.Oracle(), fixture.Densify(output));
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void Encode_EmptySequence_EmptyVector(string head)
    {
        var fixture = new LexicalHeadFixture(2, 4, 23, 5);
        fixture.Lengths[1] = 0;

        var output = fixture.Encode(head, KeepAll);

        Assert.Equal(0, output[1].Count);
        Assert.NotEqual(0, output[0].Count);
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void Encode_ExcludedTerms_NeverAppear(string head)
    {
        var fixture = new LexicalHeadFixture(3, 8, 50, 6);
        // Every term gets a large positive bias, so only the exclusion can remove one.
        Array.Fill(fixture.Bias, 10f);
        int[] excluded = [49, 0, 17, 17, 3];

        var output = fixture.Encode(head, KeepAll, fixture.Projection(excluded));

        foreach (var vector in output)
        {
            Assert.Equal(50 - 4, vector.Count);
            foreach (var term in excluded)
            {
                Assert.DoesNotContain(term, vector.Terms.ToArray());
            }
        }
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void Encode_Bias_Applied(string head)
    {
        // W = 0: every logit is the bias, so w[v] = log(1 + relu(b[v])).
        float[] bias = [0.5f, -1f, 2f, 0f, 7.25f];
        var projection = new VocabularyProjection(new float[5 * 3], bias, 5, 3);
        using var encoder = LexicalHeads.Create(head, KeepAll).Bind(projection);
        var output = new SparseVector[1];

        encoder.Encode(new LexicalEncodeCall { Hidden = new TensorView<float>(new float[2 * 3].AsMemory(), new TensorShape(1, 2, 3)), Lengths = [2], Output = output });

        Assert.Equal([0, 2, 4], output[0].Terms.ToArray());
        Assert.Equal(Math.Log(1.5), output[0].Weights[0], 1e-6);
        Assert.Equal(Math.Log(3), output[0].Weights[1], 1e-6);
        Assert.Equal(Math.Log(8.25), output[0].Weights[2], 1e-6);
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void Encode_TopK_KeepsLargestWeightsLowerTermOnTies(string head)
    {
        // One token h = [1], W_v = logits: the weights are log(1 + relu(logit)), ranked as the logits.
        float[] logits = [0.3f, 2f, 0.9f, 2f, -1f, 0.9f, 5f, 0.9f, 0.1f];
        var projection = new VocabularyProjection(logits, ReadOnlyMemory<float>.Empty, logits.Length, 1);
        using var encoder = LexicalHeads.Create(head, new LexicalHeadOptions { TopK = 5 }).Bind(projection);
        var output = new SparseVector[1];

        encoder.Encode(new LexicalEncodeCall { Hidden = new TensorView<float>(new[] { 1f }.AsMemory(), new TensorShape(1, 1, 1)), Lengths = [1], Output = output });

        // 5 (term 6), 2 (terms 1, 3), then 0.9 for terms 2, 5, 7: the lower ids 2 and 5 win the tie.
        Assert.Equal([1, 2, 3, 5, 6], output[0].Terms.ToArray());
        Assert.Equal(Math.Log(6), output[0].Weights[4], 1e-6);
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void Encode_Threshold_DropsWeightsAtOrBelow(string head)
    {
        float[] logits = [0.3f, 2f, 0.9f, 1.5f, -1f, 5f];
        var projection = new VocabularyProjection(logits, ReadOnlyMemory<float>.Empty, logits.Length, 1);
        var input = new[] { 1f };
        var all = new SparseVector[1];
        using (var keepAll = LexicalHeads.Create(head, KeepAll).Bind(projection))
        {
            keepAll.Encode(new LexicalEncodeCall { Hidden = new TensorView<float>(input.AsMemory(), new TensorShape(1, 1, 1)), Lengths = [1], Output = all });
        }
        // The threshold is exactly the weight of term 3 (logit 1.5): it is dropped, the larger ones are kept.
        var threshold = all[0].Weights[all[0].Terms.IndexOf(3)];
        using var encoder = LexicalHeads.Create(head, new LexicalHeadOptions { TopK = 0, Threshold = threshold }).Bind(projection);
        var output = new SparseVector[1];

        encoder.Encode(new LexicalEncodeCall { Hidden = new TensorView<float>(input.AsMemory(), new TensorShape(1, 1, 1)), Lengths = [1], Output = output });

        Assert.Equal([0, 1, 2, 3, 5], all[0].Terms.ToArray());
        Assert.Equal([1, 5], output[0].Terms.ToArray());
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void Encode_TopKAndThreshold_BothRespected(string head)
    {
        var fixture = new LexicalHeadFixture(3, 10, 211, 13);
        var all = fixture.Encode(head, KeepAll);
        var options = new LexicalHeadOptions { TopK = 7, Threshold = 0.2f };

        var output = fixture.Encode(head, options);

        for (var b = 0; b < fixture.Batch; b++)
        {
            var expected = new List<(float Weight, int Term)>();
            for (var i = 0; i < all[b].Count; i++)
            {
                if (all[b].Weights[i] > 0.2f)
                {
                    expected.Add((all[b].Weights[i], all[b].Terms[i]));
                }
            }
            expected.Sort((x, y) => x.Weight != y.Weight ? y.Weight.CompareTo(x.Weight) : x.Term.CompareTo(y.Term));
            var terms = expected.Take(7).Select(e => e.Term).Order().ToArray();
            Assert.Equal(terms, output[b].Terms.ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void Encode_HiddenSizeMismatch_ThrowsArgumentException(string head)
    {
        using var encoder = LexicalHeads.Create(head, KeepAll).Bind(new LexicalHeadFixture(1, 2, 10, 4).Projection());

        var error = Assert.Throws<ArgumentException>(() =>
            encoder.Encode(new LexicalEncodeCall { Hidden = new TensorView<float>(new float[2 * 5].AsMemory(), new TensorShape(1, 2, 5)), Lengths = [2], Output = new SparseVector[1] }));

        Assert.Equal("hidden", error.ParamName);
        Assert.Contains("hidden size 5", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void Encode_HiddenNotRankThree_ThrowsArgumentException(string head)
    {
        using var encoder = LexicalHeads.Create(head, KeepAll).Bind(new LexicalHeadFixture(1, 2, 10, 4).Projection());

        var error = Assert.Throws<ArgumentException>(() =>
            encoder.Encode(new LexicalEncodeCall { Hidden = new TensorView<float>(new float[8].AsMemory(), new TensorShape(2, 4)), Lengths = [2, 2], Output = new SparseVector[2] }));

        Assert.Equal("hidden", error.ParamName);
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void Encode_LengthLongerThanSequence_ThrowsArgumentException(string head)
    {
        using var encoder = LexicalHeads.Create(head, KeepAll).Bind(new LexicalHeadFixture(1, 2, 10, 4).Projection());

        var error = Assert.Throws<ArgumentException>(() =>
            encoder.Encode(new LexicalEncodeCall { Hidden = new TensorView<float>(new float[2 * 3 * 4].AsMemory(), new TensorShape(2, 3, 4)), Lengths = [3, 4], Output = new SparseVector[2] }));

        Assert.Equal("lengths", error.ParamName);
        Assert.Contains("Length 4 of sequence 1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void Encode_NegativeLength_ThrowsArgumentException(string head)
    {
        using var encoder = LexicalHeads.Create(head, KeepAll).Bind(new LexicalHeadFixture(1, 2, 10, 4).Projection());

        var error = Assert.Throws<ArgumentException>(() =>
            encoder.Encode(new LexicalEncodeCall { Hidden = new TensorView<float>(new float[2 * 3 * 4].AsMemory(), new TensorShape(2, 3, 4)), Lengths = [-1, 2], Output = new SparseVector[2] }));

        Assert.Equal("lengths", error.ParamName);
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void Encode_LengthsCountMismatch_ThrowsArgumentException(string head)
    {
        using var encoder = LexicalHeads.Create(head, KeepAll).Bind(new LexicalHeadFixture(1, 2, 10, 4).Projection());

        var error = Assert.Throws<ArgumentException>(() =>
            encoder.Encode(new LexicalEncodeCall { Hidden = new TensorView<float>(new float[2 * 3 * 4].AsMemory(), new TensorShape(2, 3, 4)), Lengths = [3], Output = new SparseVector[2] }));

        Assert.Equal("lengths", error.ParamName);
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void Encode_OutputWrongLength_ThrowsArgumentException(string head)
    {
        using var encoder = LexicalHeads.Create(head, KeepAll).Bind(new LexicalHeadFixture(1, 2, 10, 4).Projection());

        var error = Assert.Throws<ArgumentException>(() =>
            encoder.Encode(new LexicalEncodeCall { Hidden = new TensorView<float>(new float[2 * 3 * 4].AsMemory(), new TensorShape(2, 3, 4)), Lengths = [3, 3], Output = new SparseVector[3] }));

        Assert.Equal("output", error.ParamName);
        Assert.Contains("3 entries for a batch of 2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void Encode_AfterDispose_ThrowsObjectDisposedException(string head)
    {
        var encoder = LexicalHeads.Create(head, KeepAll).Bind(new LexicalHeadFixture(1, 2, 10, 4).Projection());
        encoder.Dispose();

        Assert.Throws<ObjectDisposedException>(() =>
            encoder.Encode(new LexicalEncodeCall { Hidden = new TensorView<float>(new float[2 * 4].AsMemory(), new TensorShape(1, 2, 4)), Lengths = [2], Output = new SparseVector[1] }));
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void Bind_NullProjection_ThrowsArgumentNullException(string head) =>
        Assert.Throws<ArgumentNullException>(() => LexicalHeads.Create(head, KeepAll).Bind(null!));

    [Theory]
    [MemberData(nameof(Heads))]
    public void Encode_ConcurrentCalls_SameResults(string head)
    {
        var fixture = new LexicalHeadFixture(2, 9, 130, 17);
        using var encoder = LexicalHeads.Create(head, KeepAll).Bind(fixture.Projection());
        var expected = fixture.Densify(fixture.Encode(encoder));

        var results = new double[8][];
        Parallel.For(0, results.Length, i => results[i] = fixture.Densify(fixture.Encode(encoder)));

        foreach (var result in results)
        {
            Assert.Equal(expected, result);
        }
    }
}
