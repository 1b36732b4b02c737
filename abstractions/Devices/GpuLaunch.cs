namespace Sieve.Abstractions;

/// <summary>The shape of one kernel launch: a grid of groups (thread blocks), threads per group, dynamic shared memory.</summary>
/// <param name="GridX">Groups along x.</param>
/// <param name="GridY">Groups along y.</param>
/// <param name="GridZ">Groups along z.</param>
/// <param name="GroupSize">Threads per group (one dimension).</param>
/// <param name="SharedMemoryBytes">Dynamic shared memory per group (what <c>SharedMemory.GetDynamic</c> sees).</param>
public readonly record struct GpuLaunch(int GridX, int GridY, int GridZ, int GroupSize, int SharedMemoryBytes = 0);
