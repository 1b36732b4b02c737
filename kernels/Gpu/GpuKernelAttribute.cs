namespace Sieve.Kernels.Gpu;

/// <summary>
/// Marks a static, explicitly grouped ILGPU kernel that the host compiles to PTX. Tests find every marked method and
/// check that it compiles (and, where a PTX assembler is installed, that the PTX assembles).
/// </summary>
/// <param name="HasInlinePtx">The kernel uses <c>CudaAsm</c>: it cannot run on ILGPU's CPU accelerator.</param>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class GpuKernelAttribute(bool HasInlinePtx = false) : Attribute
{
    /// <summary>The kernel uses inline PTX, so only a GPU can run it.</summary>
    public bool HasInlinePtx { get; } = HasInlinePtx;
}
