using System.Numerics.Tensors;

namespace Sieve.Plugins.Quantization;

/// <summary>
/// SqueezeLLM's dense-and-sparse recipe for one weight W [K, N]: the largest-magnitude weights (outliers) and the most
/// sensitive ones leave the dense part; per output channel a sensitivity-weighted 1-D k-means (<see cref="WeightedKMeans"/>)
/// fits 2^bits centroids to the channel's remaining weights; every weight gets its nearest centroid; the sparse part
/// holds, at each removed position, the weight minus the centroid its dense slot decodes to. Sensitive values are ranked
/// by the Fisher diagonal when given per weight, else by a_k·w² (an activation norm alone ranks whole input rows alike).
/// Thread-safe (stateless).
/// </summary>
internal static class DenseSparseQuantizer
{
    /// <param name="name">The weight's name.</param>
    /// <param name="weight">W [K, N], row-major.</param>
    /// <exception cref="ArgumentException">The settings or sizes are invalid.</exception>
    public static DenseSparseMatrix Quantize(string name, ReadOnlySpan<float> weight, int inputSize, int outputSize, WeightSensitivity sensitivity,
        QuantizationSettings settings)
    {
        if (settings.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(settings));
        }
        if (weight.Length != (long)inputSize * outputSize)
        {
            throw new ArgumentException($"weight {name} holds {weight.Length} values, not [{inputSize}, {outputSize}]", nameof(weight));
        }
        sensitivity.Check(name, inputSize, outputSize);
        var (k, n) = (inputSize, outputSize);
        var sparse = SparsePositions(weight, k, n, sensitivity, settings);

        // Channel-major copies: each channel's K weights and sensitivities contiguous.
        var channels = new float[(long)n * k];
        var channelSensitivity = new float[(long)n * k];
        for (var row = 0; row < k; row++)
        {
            for (var column = 0; column < n; column++)
            {
                channels[(long)column * k + row] = weight[row * n + column];
                channelSensitivity[(long)column * k + row] = sensitivity.At(row, column);
            }
        }
        var tableSize = 1 << settings.Bits;
        var words = PackedIndices.WordsPerChannel(k, settings.Bits);
        var indices = new uint[(long)n * words];
        var centroids = new Half[(long)n * tableSize];
        var sparseCounts = new int[n];
        var sparseInputs = new int[n][];
        var sparseValues = new Half[n][];
        Parallel.For(0, n, () => new ChannelScratch(k, tableSize), (channel, _, scratch) =>
        {
            var values = channels.AsSpan(channel * k, k);
            var weights = channelSensitivity.AsSpan(channel * k, k);
            var dense = 0;
            var removed = 0;
            for (var i = 0; i < k; i++)
            {
                if (sparse[(long)i * n + channel])
                {
                    removed++;
                    continue;
                }
                scratch.Values[dense] = values[i];
                scratch.Weights[dense] = weights[i];
                dense++;
            }
            WeightedKMeans.Fit(scratch.Values.AsSpan(0, dense), scratch.Weights.AsSpan(0, dense), scratch.Centroids);
            var table = centroids.AsSpan(channel * tableSize, tableSize);
            for (var c = 0; c < tableSize; c++)
            {
                table[c] = (Half)scratch.Centroids[c];
                scratch.Decoded[c] = (float)table[c];
            }
            var inputs = new int[removed];
            var residuals = new Half[removed];
            var at = 0;
            for (var i = 0; i < k; i++)
            {
                var index = WeightedKMeans.Nearest(scratch.Decoded, values[i]);
                scratch.Indices[i] = (byte)index;
                if (sparse[(long)i * n + channel])
                {
                    inputs[at] = i;
                    residuals[at] = (Half)(values[i] - scratch.Decoded[index]);
                    at++;
                }
            }
            PackedIndices.Pack(scratch.Indices.AsSpan(0, k), settings.Bits, indices.AsSpan(channel * words, words));
            sparseCounts[channel] = removed;
            sparseInputs[channel] = inputs;
            sparseValues[channel] = residuals;
            return scratch;
        }, _ => { });

        var starts = new int[n + 1];
        for (var channel = 0; channel < n; channel++)
        {
            starts[channel + 1] = starts[channel] + sparseCounts[channel];
        }
        var allInputs = new int[starts[n]];
        var allValues = new Half[starts[n]];
        for (var channel = 0; channel < n; channel++)
        {
            sparseInputs[channel].CopyTo(allInputs, starts[channel]);
            sparseValues[channel].CopyTo(allValues, starts[channel]);
        }
        return new DenseSparseMatrix(name, k, n, settings.Bits, indices, centroids, starts, allInputs, allValues);
    }

    /// <summary>The positions (in W's [K, N] order) the sparse part keeps: outliers by magnitude, then the most sensitive.</summary>
    internal static bool[] SparsePositions(ReadOnlySpan<float> weight, int inputSize, int outputSize, WeightSensitivity sensitivity, QuantizationSettings settings)
    {
        var total = weight.Length;
        var sparse = new bool[total];
        var outliers = (int)Math.Round(settings.OutlierFraction * total);
        if (outliers > 0)
        {
            var magnitude = new float[total];
            TensorPrimitives.Abs(weight, magnitude);
            MarkLargest(magnitude, outliers, sparse);
        }
        var sensitive = (int)Math.Round(settings.SensitiveFraction * total);
        if (sensitive > 0 && sensitivity.IsInformative)
        {
            var score = new float[total];
            var perWeight = sensitivity.Kind == "fisher";
            for (var k = 0; k < inputSize; k++)
            {
                for (var n = 0; n < outputSize; n++)
                {
                    var i = k * outputSize + n;
                    // Already kept positions rank last.
                    score[i] = sparse[i] ? float.NegativeInfinity : perWeight ? sensitivity.At(k, n) : sensitivity.At(k, n) * weight[i] * weight[i];
                }
            }
            MarkLargest(score, sensitive, sparse);
        }
        return sparse;
    }

    /// <summary>Marks the <paramref name="count"/> largest scores (ties broken by position) in <paramref name="marks"/>.</summary>
    private static void MarkLargest(float[] score, int count, bool[] marks)
    {
        var sorted = (float[])score.Clone();
        Array.Sort(sorted);
        var threshold = sorted[sorted.Length - count];
        var above = 0;
        foreach (var s in score)
        {
            above += s > threshold ? 1 : 0;
        }
        var ties = count - above;
        for (var i = 0; i < score.Length; i++)
        {
            if (score[i] > threshold || (score[i] == threshold && ties-- > 0))
            {
                marks[i] = true;
            }
        }
    }

    private sealed class ChannelScratch(int inputSize, int tableSize)
    {
        public float[] Values { get; } = new float[inputSize];
        public float[] Weights { get; } = new float[inputSize];
        public float[] Centroids { get; } = new float[tableSize];
        public float[] Decoded { get; } = new float[tableSize];
        public byte[] Indices { get; } = new byte[inputSize];
    }
}
