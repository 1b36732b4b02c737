using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>Plans the denoising steps of a diffusion sampler (timesteps and the resolution of each). Thread-safe.</summary>
[OperatorSlot(OperatorSlots.Sampler)]
[Experimental("SIEVE001")]
public interface ISampler
{
    /// <summary>Plans a run of <paramref name="steps"/> steps producing a <paramref name="size"/>×<paramref name="size"/> output.</summary>
    IReadOnlyList<DiffusionStep> Plan(int steps, int size);
}

/// <summary>One denoising step.</summary>
/// <param name="Timestep">The noise level, 1 (pure noise) down to 0.</param>
/// <param name="Resolution">The side length the model runs at in this step.</param>
public readonly record struct DiffusionStep(float Timestep, int Resolution);
