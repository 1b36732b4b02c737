using Sieve.Abstractions;

namespace Sieve.Tools.ClusterHead;

/// <summary>What <c>sieve cluster-head</c> was asked for.</summary>
/// <param name="Gpu">Runs Flash-KMeans' assignment and update on this GPU; null: on the CPU.</param>
internal sealed record HeadClusteringRequest(string ModelPath, string OutputPath, int Clusters, int Iterations, int Seed, IGpuDevice? Gpu);
