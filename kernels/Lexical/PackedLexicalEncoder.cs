using System.Buffers;
using Sieve.Abstractions;
using Sieve.Kernels.Lexical.Gpu;

namespace Sieve.Kernels.Lexical;

/// <summary>
/// What both lexical encoders share: the packed projection (released by <see cref="Dispose"/>), the one input check,
/// a pooled [batch, vocabulary] weights buffer, and the choice of kept terms. They differ only in how the weights are
/// computed. Hidden states on a CUDA device (with the host's <see cref="IGpuDevice"/>) get their weights and their
/// term selection from the GPU (<see cref="GpuLexicalWeights"/>, created on the first such call and held until
/// <see cref="Dispose"/>); only the kept terms are downloaded. Thread-safe.
/// </summary>
public abstract class PackedLexicalEncoder : ILexicalEncoder
{
    private readonly int[] _excluded;
    private readonly LexicalHeadOptions _options;
    private readonly IGpuDevice? _device;
    private readonly Lazy<GpuLexicalWeights>? _gpu;
    private PackedVocabulary? _packed;

    /// <summary>Takes ownership of <paramref name="packed"/>; the GPU weights are created on the first call with states on the device.</summary>
    /// <param name="packed">The packed projection, released by <see cref="Dispose"/>.</param>
    /// <param name="options">Which terms are kept, and the GPU kernels' input precision.</param>
    /// <param name="device">The host's GPU, for hidden states on CUDA; null: host states only.</param>
    protected PackedLexicalEncoder(PackedVocabulary packed, LexicalHeadOptions options, IGpuDevice? device)
    {
        _packed = packed;
        _options = options;
        _excluded = packed.Projection.ExcludedTerms.ToArray();
        _device = device;
        _gpu = device is null ? null : new(() => new GpuLexicalWeights(device, packed.Projection, options.HalfOnGpu), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Use Vector256 where the hardware has it (the default); false forces the scalar path, which tests check.</summary>
    public bool Vectorized { get; init; } = true;

    /// <inheritdoc/>
    public void Encode(in LexicalEncodeCall encoding)
    {
        var hidden = encoding.Hidden;
        var lengths = encoding.Lengths;
        var output = encoding.Output;
        var vocabularyPanels = Volatile.Read(ref _packed);
        ObjectDisposedException.ThrowIf(vocabularyPanels is null, this);
        var projection = vocabularyPanels.Projection;
        var vocabulary = projection.VocabularySize;
        if (hidden.Device == DeviceKind.Cuda && _gpu is not null)
        {
            var sequence = LexicalBatch.Validate(hidden, lengths, output, projection);
            ComputeOnDevice(hidden.Address, sequence, lengths, output);
            return;
        }
        using var batch = LexicalBatch.Open(hidden, lengths, output, projection);
        var hostWeights = ArrayPool<float>.Shared.Rent(batch.Batch * vocabulary);
        try
        {
            ComputeWeights(vocabularyPanels, batch, hostWeights);
            Select(hostWeights, vocabulary, output);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(hostWeights);
        }
    }

    /// <summary>
    /// weights[b, v] = log(1 + relu(max over valid s of h[b, s] · W[v] + bias[v])), 0 for an empty sequence.
    /// </summary>
    /// <exception cref="ArgumentException">The batch is too large for this encoder.</exception>
    protected abstract void ComputeWeights(PackedVocabulary vocabularyPanels, LexicalBatch batch, float[] weights);

    /// <summary>The same weights on the GPU, [batch, vocabulary] at <paramref name="weights"/> (device memory).</summary>
    protected abstract void ComputeWeights(GpuLexicalWeights gpu, DeviceAddress hidden, int batch, int sequence, DeviceAddress lengths, DeviceAddress weights);

    /// <summary>Releases the packed projection (and W on the device); later <see cref="Encode"/> calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        Volatile.Write(ref _packed, null);
        if (_gpu is { IsValueCreated: true })
        {
            _gpu.Value.Dispose();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Weights and term selection on the device; only the kept terms come back.</summary>
    private void ComputeOnDevice(DeviceAddress hidden, int sequence, ReadOnlySpan<int> lengths, Span<SparseVector> output)
    {
        var gpu = _gpu!.Value;
        var batch = lengths.Length;
        if (batch == 0)
        {
            return;
        }
        if (gpu.Unsupported(batch, sequence) is { } reason)
        {
            throw new ArgumentException($"The GPU lexical head cannot run this batch: {reason}.", nameof(hidden));
        }
        var count = batch * gpu.Vocabulary;
        using var deviceLengths = _device!.Allocate((long)batch * sizeof(int));
        using var deviceWeights = _device.Allocate((long)count * sizeof(float));
        _device.Upload(lengths, deviceLengths.Address);
        ComputeWeights(gpu, hidden, batch, sequence, deviceLengths.Address, deviceWeights.Address);
        gpu.Select(deviceWeights.Address, batch, _options, output);
    }

    /// <summary>The host selection, one sequence per work item over the cores.</summary>
    private void Select(float[] weights, int vocabulary, Span<SparseVector> output)
    {
        var selected = new SparseVector[output.Length];
        Parallel.For(0, output.Length, b => selected[b] = LexicalSelection.Select(weights.AsSpan(b * vocabulary, vocabulary), _excluded, _options));
        selected.CopyTo(output);
    }
}
