using Sieve.Abstractions;

namespace Sieve.Plugins.Heads.Gpu;

/// <summary>
/// The GPU weights of both lexical heads for one bound projection: W (transposed and zero-padded to
/// [⌈d / 16⌉·16, ⌈V / 128⌉·128]) and the bias (zeros when the projection has none) live in device memory from
/// construction until <see cref="Dispose"/>. <see cref="ComputeFused"/> and <see cref="ComputeDense"/> enqueue their
/// launches on the device's current stream and write pooled weights [B, V]. Thread-safe, except that
/// <see cref="Dispose"/> must not overlap a call.
/// </summary>
internal sealed class GpuLexicalWeights : IDisposable
{
    private readonly IGpuDevice _device;
    private readonly IGpuKernel _fused;
    private readonly IGpuKernel _logits;
    private readonly IGpuKernel _pool;
    private readonly IGpuBuffer _weightsT;
    private readonly IGpuBuffer _bias;

    /// <exception cref="InsufficientMemoryException">The device has no room for W.</exception>
    public GpuLexicalWeights(IGpuDevice device, VocabularyProjection projection)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(projection);
        _device = device;
        _fused = device.Kernel(typeof(FusedLexicalHeadKernel).GetMethod(nameof(FusedLexicalHeadKernel.Run))!);
        _logits = device.Kernel(typeof(DenseLexicalKernels).GetMethod(nameof(DenseLexicalKernels.Logits))!);
        _pool = device.Kernel(typeof(DenseLexicalKernels).GetMethod(nameof(DenseLexicalKernels.Pool))!);
        Vocabulary = projection.VocabularySize;
        Hidden = projection.HiddenSize;
        PaddedVocabulary = RoundUp(Vocabulary, LexicalTile.Terms);
        PaddedHidden = RoundUp(Hidden, LexicalTile.Depth);
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
        var bias = projection.Bias.IsEmpty ? new float[Vocabulary] : projection.Bias.ToArray();
        _weightsT = device.Allocate(transposed.LongLength * sizeof(float));
        try
        {
            _bias = device.Allocate((long)Vocabulary * sizeof(float));
            device.Upload<float>(transposed, _weightsT.Address);
            device.Upload<float>(bias, _bias.Address);
        }
        catch
        {
            _bias?.Dispose();
            _weightsT.Dispose();
            throw;
        }
    }

    public int Vocabulary { get; }

    public int Hidden { get; }

    public int PaddedVocabulary { get; }

    public int PaddedHidden { get; }

    /// <summary>What the kernels cannot index for this batch, as a reason, or null.</summary>
    public string? Unsupported(int batch, int sequence)
    {
        var hidden = (long)batch * sequence * Hidden;
        if (hidden > int.MaxValue)
        {
            return $"{hidden} hidden values exceed the GPU kernels' 32-bit indexing";
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
        _fused.Launch(FusedLaunch(batch), new KernelArguments()
            .View<float>(hidden, (long)batch * sequence * Hidden)
            .View<int>(lengths, batch)
            .View<float>(_weightsT.Address, (long)PaddedHidden * PaddedVocabulary)
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
        if (sequence > 0)
        {
            _logits.Launch(
                new GpuLaunch((Vocabulary + LexicalTile.Terms - 1) / LexicalTile.Terms, (sequence + LexicalTile.Tokens - 1) / LexicalTile.Tokens, batch,
                    LexicalTile.Threads, LexicalTile.SharedBytes),
                new KernelArguments()
                    .View<float>(hidden, (long)batch * sequence * Hidden)
                    .View<int>(lengths, batch)
                    .View<float>(_weightsT.Address, (long)PaddedHidden * PaddedVocabulary)
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

    public void Dispose()
    {
        _bias.Dispose();
        _weightsT.Dispose();
    }

    private LexicalKernelParameters Parameters(int batch, int sequence) =>
        new(batch, sequence, Hidden, Vocabulary, PaddedVocabulary, PaddedHidden, Hidden % 4 == 0 ? 1 : 0);

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
