using Sieve.Abstractions;
using Sieve.Kernels.Gpu;

namespace Sieve.Kernels.Lexical.Gpu;

/// <summary>
/// The GPU weights of both lexical heads for one bound projection: W and the bias (zeros when the projection has none)
/// live in device memory from construction until <see cref="Dispose"/>. In fp32, W is transposed and zero-padded to
/// [⌈d / 16⌉·16, ⌈V / 128⌉·128] for the CUDA-core kernels; in fp16 (<see cref="LexicalHeadHalfKernel"/>, tensor
/// cores) it is [⌈V / 128⌉·128, 384] fp16 and each call converts the hidden states to fp16 first.
/// <see cref="ComputeFused"/> and <see cref="ComputeDense"/> enqueue their launches on the device's current stream and
/// write pooled weights [B, V]. Thread-safe, except that <see cref="Dispose"/> must not overlap a call.
/// </summary>
public sealed class GpuLexicalWeights : IDisposable
{
    /// <summary>Sequence groups of the fp16 kernel at most: each group walks B / 8 sequences with its W fragments in registers.</summary>
    private const int HalfSequenceGroups = 8;

    private readonly IGpuDevice _device;
    private readonly IGpuKernel _fused;
    private readonly IGpuKernel _logits;
    private readonly IGpuKernel _pool;
    private readonly GpuHalfConversion? _toHalf;
    private readonly IGpuKernel _topK;
    private readonly IGpuBuffer _weights;
    private readonly IGpuBuffer _bias;
    private readonly IGpuBuffer _excluded;
    private readonly int _excludedCount;

    /// <param name="device">The device.</param>
    /// <param name="projection">W and the bias.</param>
    /// <param name="half">fp16 inputs on tensor cores (hidden size 384 only) instead of fp32 on CUDA cores.</param>
    /// <exception cref="ArgumentException"><paramref name="half"/> with a hidden size other than 384.</exception>
    /// <exception cref="InsufficientMemoryException">The device has no room for W.</exception>
    public GpuLexicalWeights(IGpuDevice device, VocabularyProjection projection, bool half = false)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(projection);
        _device = device;
        HalfInputs = half;
        Vocabulary = projection.VocabularySize;
        Hidden = projection.HiddenSize;
        if (half && Hidden != LexicalHeadHalfKernel.HiddenSize)
        {
            throw new ArgumentException(
                $"GpuPrecision fp16 runs the tensor-core kernel, written for hidden size {LexicalHeadHalfKernel.HiddenSize}; this projection's is {Hidden} (use fp32).",
                nameof(half));
        }
        if (half)
        {
            _fused = device.Kernel(typeof(LexicalHeadHalfKernel).GetMethod(nameof(LexicalHeadHalfKernel.Run))!);
            _logits = _fused;
            _toHalf = new GpuHalfConversion(device);
        }
        else
        {
            _fused = device.Kernel(typeof(FusedLexicalHeadKernel).GetMethod(nameof(FusedLexicalHeadKernel.Run))!);
            _logits = device.Kernel(typeof(DenseLexicalKernels).GetMethod(nameof(DenseLexicalKernels.Logits))!);
        }
        _pool = device.Kernel(typeof(DenseLexicalKernels).GetMethod(nameof(DenseLexicalKernels.Pool))!);
        _topK = device.Kernel(typeof(LexicalTopKKernel).GetMethod(nameof(LexicalTopKKernel.Run))!);
        PaddedVocabulary = RoundUp(Vocabulary, LexicalTile.Terms);
        PaddedHidden = RoundUp(Hidden, LexicalTile.Depth);
        var bias = projection.Bias.IsEmpty ? new float[Vocabulary] : projection.Bias.ToArray();
        if (half)
        {
            var rows = new Half[(long)RoundUp(Vocabulary, LexicalHeadHalfKernel.Terms) * Hidden];
            var source = projection.Weights.Span;
            for (var i = 0; i < source.Length; i++)
            {
                rows[i] = (Half)source[i];
            }
            _weights = Upload<Half>(device, rows);
        }
        else
        {
            _weights = Upload<float>(device, Transposed(projection));
        }
        var excluded = projection.ExcludedTerms.ToArray();
        _excludedCount = excluded.Length;
        try
        {
            _bias = Upload<float>(device, bias);
            _excluded = Upload<int>(device, excluded.Length == 0 ? [0] : excluded);
        }
        catch
        {
            _bias?.Dispose();
            _weights.Dispose();
            throw;
        }
    }

    /// <summary>Whether the kernels take fp16 inputs on tensor cores.</summary>
    public bool HalfInputs { get; }

    /// <summary>The projection's vocabulary size V.</summary>
    public int Vocabulary { get; }

    /// <summary>The projection's hidden size d.</summary>
    public int Hidden { get; }

    /// <summary>V rounded up to 128 terms (the columns of the transposed fp32 W, or the rows of the fp16 one).</summary>
    public int PaddedVocabulary { get; }

    /// <summary>d rounded up to 16 (the rows of the transposed fp32 W).</summary>
    public int PaddedHidden { get; }

    /// <summary>What the kernels cannot index for this batch, as a reason, or null.</summary>
    public string? Unsupported(int batch, int sequence)
    {
        var hidden = (long)batch * sequence * Hidden;
        if (hidden > int.MaxValue)
        {
            return $"{hidden} hidden values exceed the GPU kernels' 32-bit indexing";
        }
        if (HalfInputs && hidden > int.MaxValue - (1L << 24))
        {
            return $"{hidden} hidden values exceed the fp16 conversion's 32-bit indexing";
        }
        return (long)batch * Vocabulary > int.MaxValue ? $"{(long)batch * Vocabulary} weights exceed the GPU kernels' 32-bit indexing" : null;
    }

    /// <summary>The launch of <see cref="FusedLexicalHeadKernel.Run"/> for <paramref name="batch"/> sequences.</summary>
    public GpuLaunch FusedLaunch(int batch) =>
        new((Vocabulary + LexicalTile.Terms - 1) / LexicalTile.Terms, batch, 1, LexicalTile.Threads, LexicalTile.SharedBytes);

    /// <summary>weights [B, V] from hidden [B, S, d] and lengths [B] (device int32), without materializing the logits.</summary>
    public void ComputeFused(DeviceAddress hidden, int batch, int sequence, DeviceAddress lengths, DeviceAddress weights)
    {
        if (batch == 0)
        {
            return;
        }
        if (HalfInputs)
        {
            RunHalf(hidden, batch, sequence, lengths, weights, storeLogits: false);
            return;
        }
        _fused.Launch(FusedLaunch(batch), new KernelArguments()
            .View<float>(hidden, (long)batch * sequence * Hidden)
            .View<int>(lengths, batch)
            .View<float>(_weights.Address, (long)PaddedHidden * PaddedVocabulary)
            .View<float>(_bias.Address, Vocabulary)
            .View<float>(weights, (long)batch * Vocabulary)
            .Value(Parameters(batch, sequence)));
    }

    /// <summary>
    /// weights [B, V] through logits [B·S, V] in scratch device memory (allocated and freed, stream-ordered, by the call).
    /// </summary>
    public void ComputeDense(DeviceAddress hidden, int batch, int sequence, DeviceAddress lengths, DeviceAddress weights)
    {
        if (batch == 0)
        {
            return;
        }
        var parameters = Parameters(batch, sequence);
        var logitCount = Math.Max(1L, (long)batch * sequence * Vocabulary);
        using var logits = _device.Allocate(logitCount * sizeof(float));
        if (HalfInputs)
        {
            RunHalf(hidden, batch, sequence, lengths, logits.Address, storeLogits: true);
        }
        else if (sequence > 0)
        {
            _logits.Launch(
                new GpuLaunch((Vocabulary + LexicalTile.Terms - 1) / LexicalTile.Terms, (sequence + LexicalTile.Tokens - 1) / LexicalTile.Tokens, batch,
                    LexicalTile.Threads, LexicalTile.SharedBytes),
                new KernelArguments()
                    .View<float>(hidden, (long)batch * sequence * Hidden)
                    .View<int>(lengths, batch)
                    .View<float>(_weights.Address, (long)PaddedHidden * PaddedVocabulary)
                    .View<float>(logits.Address, logitCount)
                    .Value(parameters));
        }
        _pool.Launch(
            new GpuLaunch((Vocabulary + DenseLexicalKernels.PoolThreads - 1) / DenseLexicalKernels.PoolThreads, batch, 1, DenseLexicalKernels.PoolThreads),
            new KernelArguments()
                .View<float>(logits.Address, logitCount)
                .View<int>(lengths, batch)
                .View<float>(_bias.Address, Vocabulary)
                .View<float>(weights, (long)batch * Vocabulary)
                .Value(parameters));
    }

    /// <summary>Frees W, the bias and the excluded terms on the device; must not overlap a call.</summary>
    public void Dispose()
    {
        _excluded.Dispose();
        _bias.Dispose();
        _weights.Dispose();
    }

    /// <summary>
    /// Selects each sequence's terms from the weights [B, V] on the device (<see cref="LexicalTopKKernel"/>; the excluded
    /// terms are zeroed in place) and downloads only the kept ones into <paramref name="output"/>: the same vectors as
    /// <see cref="LexicalSelection.Select"/> gives on the host. Waits for the device.
    /// </summary>
    public void Select(DeviceAddress weights, int batch, LexicalHeadOptions options, Span<SparseVector> output)
    {
        if (batch == 0)
        {
            return;
        }
        var capacity = options.TopK == 0 ? Vocabulary : Math.Min(options.TopK, Vocabulary);
        var entries = (long)batch * capacity;
        using var counts = _device.Allocate((long)batch * sizeof(int));
        using var terms = _device.Allocate(entries * sizeof(int));
        using var kept = _device.Allocate(entries * sizeof(float));
        _topK.Launch(new GpuLaunch(batch, 1, 1, LexicalTopKKernel.Threads), new KernelArguments()
            .View<float>(weights, (long)batch * Vocabulary)
            .View<int>(_excluded.Address, Math.Max(1, _excludedCount))
            .View<int>(counts.Address, batch)
            .View<int>(terms.Address, entries)
            .View<float>(kept.Address, entries)
            .Value(new LexicalTopKParameters(Vocabulary, options.TopK, capacity, BitConverter.SingleToInt32Bits(Math.Max(0f, options.Threshold)), _excludedCount)));
        var rowCounts = new int[batch];
        _device.Download(counts.Address, rowCounts.AsSpan());
        // Kept-all rows can be as long as V: fetch each row's kept part; top-k rows are short: fetch them whole at once.
        var whole = options.TopK != 0;
        var hostTerms = new int[whole ? entries : capacity];
        var hostWeights = new float[hostTerms.Length];
        if (whole)
        {
            _device.Download(terms.Address, hostTerms.AsSpan());
            _device.Download(kept.Address, hostWeights.AsSpan());
        }
        for (var b = 0; b < batch; b++)
        {
            var count = rowCounts[b];
            var start = whole ? b * capacity : 0;
            if (!whole && count > 0)
            {
                var offset = (long)b * capacity * sizeof(int);
                _device.Download(new DeviceAddress(terms.Address.Value + (ulong)offset), hostTerms.AsSpan(0, count));
                _device.Download(new DeviceAddress(kept.Address.Value + (ulong)offset), hostWeights.AsSpan(0, count));
            }
            output[b] = new SparseVector(hostTerms.AsSpan(start, count), hostWeights.AsSpan(start, count));
        }
    }

    /// <summary>
    /// <see cref="LexicalHeadHalfKernel"/> on fp16 copies of the hidden states (scratch, stream-ordered): pooled weights
    /// [B, V] into <paramref name="output"/>, or with <paramref name="storeLogits"/> the logits [B, S, V].
    /// </summary>
    private void RunHalf(DeviceAddress hidden, int batch, int sequence, DeviceAddress lengths, DeviceAddress output, bool storeLogits)
    {
        var count = (long)batch * sequence * Hidden;
        using var halfHidden = _device.Allocate(Math.Max(1, count) * 2);
        _toHalf!.ToHalf(hidden, halfHidden.Address, count);
        _fused.Launch(
            new GpuLaunch((Vocabulary + LexicalHeadHalfKernel.Terms - 1) / LexicalHeadHalfKernel.Terms, Math.Min(batch, HalfSequenceGroups), 1,
                LexicalHeadHalfKernel.Threads, LexicalHeadHalfKernel.SharedBytes),
            new KernelArguments()
                .Value(halfHidden.Address.Value)
                .View<int>(lengths, batch)
                .Value(_weights.Address.Value)
                .View<float>(_bias.Address, Vocabulary)
                .Value(output.Value)
                .Value(new LexicalHeadHalfParameters(batch, sequence, Vocabulary, storeLogits ? 1 : 0)));
    }

    /// <summary>W transposed and zero-padded, [⌈d / 16⌉·16, ⌈V / 128⌉·128], for the CUDA-core kernels.</summary>
    private float[] Transposed(VocabularyProjection projection)
    {
        var transposed = new float[(long)PaddedHidden * PaddedVocabulary];
        var weights = projection.Weights.Span;
        for (var v = 0; v < Vocabulary; v++)
        {
            var row = weights.Slice(v * Hidden, Hidden);
            for (var k = 0; k < Hidden; k++)
            {
                transposed[k * PaddedVocabulary + v] = row[k];
            }
        }
        return transposed;
    }

    private static IGpuBuffer Upload<T>(IGpuDevice device, T[] values)
        where T : unmanaged
    {
        var buffer = device.Allocate(Math.Max(1, values.LongLength) * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        try
        {
            device.Upload<T>(values, buffer.Address);
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    private LexicalKernelParameters Parameters(int batch, int sequence) =>
        new(batch, sequence, Hidden, Vocabulary, PaddedVocabulary, PaddedHidden, Hidden % 4 == 0 ? 1 : 0);

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
