namespace Sieve.Plugins.Heads.Clustering;

/// <summary>A clustering of N points of dimension d into K clusters.</summary>
/// <param name="Centroids">[K, d], row-major: the mean of each cluster's points (an empty cluster keeps its last centroid).</param>
/// <param name="Assignments">[N]: each point's cluster.</param>
/// <param name="Members">Point ids grouped by cluster: cluster c holds <c>Members[Offsets[c]..Offsets[c + 1]]</c>, ascending.</param>
/// <param name="Offsets">[K + 1]: where each cluster's points start in <paramref name="Members"/>.</param>
/// <param name="Objective">Σ over points of the squared distance to its cluster's centroid.</param>
/// <param name="Iterations">Lloyd iterations run.</param>
public sealed record KMeansResult(float[] Centroids, int[] Assignments, int[] Members, int[] Offsets, double Objective, int Iterations)
{
    public int Clusters => Offsets.Length - 1;

    /// <summary>The number of points in cluster <paramref name="cluster"/>.</summary>
    public int Size(int cluster) => Offsets[cluster + 1] - Offsets[cluster];
}
