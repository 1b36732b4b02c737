using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>A kernel loaded on the <see cref="IGpuDevice"/>. Thread-safe; owned by the device (never disposed by callers).</summary>
[Experimental("SIEVE001")]
public interface IGpuKernel
{
    /// <summary>The kernel's name (its C# method).</summary>
    string Name { get; }

    /// <summary>What compiling and loading it cost the first time (ILGPU to PTX, then the driver's JIT).</summary>
    TimeSpan LoadCost { get; }

    /// <summary>Enqueues one launch on the current stream (see <see cref="IGpuDevice"/>) and returns at once.</summary>
    /// <param name="launch">Grid, group and dynamic shared memory.</param>
    /// <param name="arguments">One argument per kernel parameter, in order, of the parameter's kind and element type.</param>
    /// <exception cref="ArgumentException">The arguments do not match the parameters (count, kind or element type).</exception>
    /// <exception cref="InvalidOperationException">The driver refused the launch.</exception>
    void Launch(GpuLaunch launch, KernelArguments arguments);
}
