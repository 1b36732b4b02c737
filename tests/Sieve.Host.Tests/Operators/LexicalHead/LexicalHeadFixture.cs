using Sieve.Abstractions;

namespace Sieve.Host.Tests.Operators.LexicalHead;

/// <summary>
/// Random inputs of one shape and helpers to run an encoder on them. Also compiled into Sieve.Plugins.Heads.Tests (linked),
/// so it names no head: <c>LexicalHeads</c> (Sieve.Host.Tests) creates them by name.
/// </summary>
internal sealed class LexicalHeadFixture
{
    public LexicalHeadFixture(int batch, int sequence, int vocabulary, int hidden, int seed = 7, bool withBias = true)
    {
        Batch = batch;
        Sequence = sequence;
        Vocabulary = vocabulary;
        HiddenSize = hidden;
        var random = new Random(seed);
        Hidden = Fill(random, batch * sequence * hidden, 1f);
        Weights = Fill(random, vocabulary * hidden, 1f / MathF.Sqrt(hidden));
        Bias = withBias ? Fill(random, vocabulary, 0.5f) : [];
        Lengths = new int[batch];
        for (var b = 0; b < batch; b++)
        {
            Lengths[b] = b == 0 ? sequence : random.Next(0, sequence + 1);
        }
    }

    public int Batch { get; }

    public int Sequence { get; }

    public int Vocabulary { get; }

    public int HiddenSize { get; }

    public float[] Hidden { get; }

    public float[] Weights { get; }

    public float[] Bias { get; }

    public int[] Lengths { get; }

    public VocabularyProjection Projection(params int[] excluded) => new(Weights, Bias, Vocabulary, HiddenSize, excluded);

    public SparseVector[] Encode(ILexicalEncoder encoder, float[]? hidden = null)
    {
        var output = new SparseVector[Batch];
        encoder.Encode(new LexicalEncodeCall { Hidden = new TensorView<float>((hidden ?? Hidden).AsMemory(), new TensorShape(Batch, Sequence, HiddenSize)), Lengths = Lengths, Output = output });
        return output;
    }

    public double[] Oracle() => NaiveLexicalHead.Weights(Hidden, Lengths, Sequence, Weights, Bias, Vocabulary, HiddenSize);

    /// <summary>The vectors as a dense [batch, vocabulary] array.</summary>
    public double[] Densify(SparseVector[] vectors)
    {
        var dense = new double[Batch * Vocabulary];
        for (var b = 0; b < Batch; b++)
        {
            for (var i = 0; i < vectors[b].Count; i++)
            {
                dense[b * Vocabulary + vectors[b].Terms[i]] = vectors[b].Weights[i];
            }
        }
        return dense;
    }

    public static void AssertClose(double[] expected, double[] actual, double tolerance = 1e-4)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var error = Math.Abs(expected[i] - actual[i]);
            Assert.True(error <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"entry {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    private static float[] Fill(Random random, int count, float scale)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (random.NextSingle() * 2 - 1) * scale;
        }
        return values;
    }
}
