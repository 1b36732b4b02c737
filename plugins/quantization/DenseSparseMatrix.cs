namespace Sieve.Plugins.Quantization;

/// <summary>
/// One MatMul weight W [K, N] (X [m, K] · W) in SqueezeLLM's dense-and-sparse form, kept per output channel n (a column
/// of W): a dense part of K centroid indices (<see cref="PackedIndices"/>) into the channel's own table of 2^bits
/// centroids (float16), plus a sparse part in CSR over channels (the input index k and a float16 value). A sparse value
/// is the original weight minus the centroid its dense slot decodes to, so W[k, n] = centroid + sparse value exactly at
/// every sparse position (up to float16 rounding of the difference). Immutable once built; thread-safe to read.
/// </summary>
internal sealed class DenseSparseMatrix
{
    public DenseSparseMatrix(string name, int inputSize, int outputSize, int bits, uint[] indices, Half[] centroids, int[] sparseStarts,
        int[] sparseInputs, Half[] sparseValues)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputSize, 1);
        if (bits is not (3 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "bits must be 3 or 4");
        }
        var words = (long)PackedIndices.WordsPerChannel(inputSize, bits) * outputSize;
        if (indices.LongLength != words || centroids.LongLength != (long)outputSize << bits || sparseStarts.Length != outputSize + 1
            || sparseInputs.Length != sparseValues.Length || sparseStarts[0] != 0 || sparseStarts[^1] != sparseInputs.Length)
        {
            throw new ArgumentException($"weight {name}: the parts do not fit a [{inputSize}, {outputSize}] matrix at {bits} bits " +
                $"({indices.LongLength} index words, {centroids.LongLength} centroids, {sparseStarts.Length} row starts, {sparseInputs.Length} sparse values)");
        }
        Name = name;
        InputSize = inputSize;
        OutputSize = outputSize;
        Bits = bits;
        Indices = indices;
        Centroids = centroids;
        SparseStarts = sparseStarts;
        SparseInputs = sparseInputs;
        SparseValues = sparseValues;
    }

    /// <summary>The weight's initializer name in the source model.</summary>
    public string Name { get; }

    /// <summary>K: the rows of W, the length of each input row.</summary>
    public int InputSize { get; }

    /// <summary>N: the columns of W, the output channels.</summary>
    public int OutputSize { get; }

    /// <summary>Bits per dense index (3 or 4).</summary>
    public int Bits { get; }

    /// <summary>Centroids per channel.</summary>
    public int TableSize => 1 << Bits;

    /// <summary>Packed indices, channel-major: [N, <see cref="WordsPerChannel"/>].</summary>
    public uint[] Indices { get; }

    /// <summary>Centroid tables, [N, 2^bits].</summary>
    public Half[] Centroids { get; }

    /// <summary>CSR row starts over channels, [N + 1].</summary>
    public int[] SparseStarts { get; }

    /// <summary>The input index k of each sparse value, ascending within a channel.</summary>
    public int[] SparseInputs { get; }

    /// <summary>Sparse values: weight minus the dense slot's centroid.</summary>
    public Half[] SparseValues { get; }

    /// <summary>Index words per channel.</summary>
    public int WordsPerChannel => PackedIndices.WordsPerChannel(InputSize, Bits);

    /// <summary>Values held in the sparse part.</summary>
    public int SparseCount => SparseInputs.Length;

    /// <summary>Bytes of the compressed form: packed indices, float16 tables, CSR (int32 starts and inputs, float16 values).</summary>
    public long Bytes => Indices.LongLength * 4 + Centroids.LongLength * 2 + SparseStarts.LongLength * 4 + SparseInputs.LongLength * 4 + SparseValues.LongLength * 2;

    /// <summary>Channel <paramref name="channel"/> decoded: its K weights, dense centroid plus sparse value.</summary>
    public void DecodeChannel(int channel, Span<float> weights)
    {
        DecodeDense(channel, weights);
        for (var s = SparseStarts[channel]; s < SparseStarts[channel + 1]; s++)
        {
            weights[SparseInputs[s]] += (float)SparseValues[s];
        }
    }

    /// <summary>Channel <paramref name="channel"/>'s dense part alone.</summary>
    public void DecodeDense(int channel, Span<float> weights)
    {
        var table = Centroids.AsSpan(channel * TableSize, TableSize);
        Span<float> lookup = stackalloc float[16];
        for (var c = 0; c < table.Length; c++)
        {
            lookup[c] = (float)table[c];
        }
        var words = Indices.AsSpan(channel * WordsPerChannel, WordsPerChannel);
        var k = 0;
        for (var block = 0; k < InputSize; block++)
        {
            var blockWords = words.Slice(block * Bits, Bits);
            var end = Math.Min(InputSize, k + PackedIndices.BlockSize);
            if (Bits == 4)
            {
                for (var lane = 0; k < end; lane++, k++)
                {
                    weights[k] = lookup[(int)((blockWords[lane >> 3] >> ((lane & 7) * 4)) & 15u)];
                }
            }
            else
            {
                var (p0, p1, p2) = (blockWords[0], blockWords[1], blockWords[2]);
                for (var lane = 0; k < end; lane++, k++)
                {
                    weights[k] = lookup[(int)(((p0 >> lane) & 1u) | (((p1 >> lane) & 1u) << 1) | (((p2 >> lane) & 1u) << 2))];
                }
            }
        }
    }

    /// <summary>The whole matrix dequantized as W [K, N] (row-major, the ONNX initializer's layout).</summary>
    public float[] Dequantize()
    {
        var weights = new float[(long)InputSize * OutputSize];
        var channel = new float[InputSize];
        for (var n = 0; n < OutputSize; n++)
        {
            DecodeChannel(n, channel);
            for (var k = 0; k < InputSize; k++)
            {
                weights[(long)k * OutputSize + n] = channel[k];
            }
        }
        return weights;
    }
}
