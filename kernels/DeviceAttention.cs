using Sieve.Abstractions;

namespace Sieve.Kernels;

/// <summary>
/// The CPU-or-GPU dispatch every <see cref="IAttention"/> needs, written once: a CPU node checks the shape the CPU
/// kernels take, a CUDA node needs the host's <see cref="IGpuDevice"/> and the GPU part's own check; a call runs on the
/// part matching its views' device. The GPU part is created on first use, so a CPU job never compiles a kernel.
/// Derived classes must be thread-safe.
/// </summary>
/// <typeparam name="TGpu">The implementation's GPU part (its compiled kernels).</typeparam>
public abstract class DeviceAttention<TGpu> : IAttention where TGpu : class
{
    private readonly Lazy<TGpu>? _gpu;

    /// <param name="fullName">The implementation's name in messages, e.g. <c>attention/dense</c>.</param>
    /// <param name="gpu">The host's GPU, or null on the CPU.</param>
    /// <param name="createGpu">Creates the GPU part (compiles its kernels) on the first CUDA check or call.</param>
    protected DeviceAttention(string fullName, IGpuDevice? gpu, Func<IGpuDevice, TGpu> createGpu)
    {
        ArgumentNullException.ThrowIfNull(createGpu);
        FullName = fullName;
        _gpu = gpu is null ? null : new Lazy<TGpu>(() => createGpu(gpu));
    }

    /// <summary>The implementation's name in messages.</summary>
    protected string FullName { get; }

    /// <inheritdoc/>
    public string? CheckSupport(AttentionShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Device == DeviceKind.Cpu)
        {
            return AttentionDims.Unsupported(shape);
        }
        // Sizes read from the tensors at run time (0 here) are checked by the kernels on the first call.
        return _gpu is null ? "the host offers no GPU device service" : shape.HeadSize == 0 ? null : UnsupportedOnGpu(AttentionDims.Of(shape));
    }

    /// <inheritdoc/>
    public void Compute(in AttentionCall attention)
    {
        if (attention.Device == DeviceKind.Cpu)
        {
            ComputeOnCpu(attention, AttentionDims.Of(attention.Query, attention.Key, attention.Shape));
            return;
        }
        var gpu = _gpu?.Value ?? throw new NotSupportedException($"{FullName} got {attention.Device} tensors but the host offers no GPU device service.");
        ComputeOnGpu(gpu, attention, AttentionDims.Of(attention.Query, attention.Key, attention.Shape));
    }

    /// <summary>Why the GPU part cannot take <paramref name="dims"/>, or null.</summary>
    protected abstract string? UnsupportedOnGpu(AttentionDims dims);

    /// <summary>Computes a call whose views are host memory (with <see cref="TensorView{T}.Memory"/>).</summary>
    protected abstract void ComputeOnCpu(in AttentionCall attention, AttentionDims dims);

    /// <summary>Enqueues a call whose views are device memory on the current stream.</summary>
    protected abstract void ComputeOnGpu(TGpu gpu, in AttentionCall attention, AttentionDims dims);
}
