namespace Sieve.Plugins.Heads.Clustering;

/// <summary>How <see cref="FlashKMeans"/> clusters.</summary>
/// <param name="Clusters">K, at least 1 and at most the number of points.</param>
/// <param name="Iterations">The most Lloyd iterations; it stops earlier when no assignment changes.</param>
/// <param name="Balanced">Every cluster holds at most ⌈N/K⌉ points (see <see cref="BalancedAssignment"/>).</param>
/// <param name="Seed">Chooses the K distinct points the centroids start from.</param>
public sealed record KMeansSettings(int Clusters, int Iterations = 25, bool Balanced = false, int Seed = 0)
{
    /// <summary>The largest cluster a balanced clustering of <paramref name="points"/> may have: ⌈N/K⌉.</summary>
    public int Capacity(int points) => (points + Clusters - 1) / Clusters;

    /// <exception cref="ArgumentException">K or the iterations are out of range for <paramref name="points"/>.</exception>
    public void Validate(int points)
    {
        if (Clusters < 1 || Clusters > points)
        {
            throw new ArgumentException($"K = {Clusters} clusters must be between 1 and the number of points ({points}).");
        }
        if (Iterations < 1)
        {
            throw new ArgumentException($"Iterations = {Iterations} must be at least 1.");
        }
    }
}
