using System.Runtime.InteropServices;

namespace Sieve.Plugins.Heads.Clustering.Gpu;

/// <summary>The sizes <see cref="FusedAssignmentKernel"/> and <see cref="ClusterMeanKernel"/> read.</summary>
/// <param name="Points">N.</param>
/// <param name="Clusters">K.</param>
/// <param name="Dimension">d.</param>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct KMeansGpuParameters(int Points, int Clusters, int Dimension);
