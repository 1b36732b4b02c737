using System.Numerics.Tensors;

namespace Sieve.Plugins.Heads.Clustering;

/// <summary>
/// Capacity-constrained assignment for balanced clusters (FlashHead needs clusters of equal size, so that a decode step
/// probing P clusters scores a fixed number of tokens). Greedy by regret: the points go in order of what they would lose
/// by not getting their nearest centroid (second-nearest distance − nearest distance, largest first; ties by id); each
/// takes its nearest centroid if that one has fewer than <c>capacity</c> = ⌈N/K⌉ points, else the nearest centroid that
/// still has room (found by a scan over the centroids, for that point alone). Every cluster ends with at most
/// ⌈N/K⌉ points. It is a heuristic, not the optimal transport the exact constrained problem would need; Lloyd's update
/// then moves the centroids to the means of these clusters and the next pass starts from there.
/// </summary>
public static class BalancedAssignment
{
    /// <summary>Rewrites <paramref name="assignment"/> (from an unconstrained pass) so no cluster exceeds <paramref name="capacity"/>.</summary>
    /// <returns>How many points did not get their nearest centroid.</returns>
    public static int Rebalance(float[] points, int n, float[] centroids, int k, int d, int capacity, PointAssignment assignment)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(centroids);
        ArgumentNullException.ThrowIfNull(assignment);
        if ((long)capacity * k < n)
        {
            throw new ArgumentException($"{k} clusters of at most {capacity} points cannot hold {n} points.", nameof(capacity));
        }
        var order = new int[n];
        var regret = new float[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
            regret[i] = assignment.Second[i] - assignment.Distance[i];
        }
        Array.Sort(order, (a, b) => regret[a] != regret[b] ? regret[b].CompareTo(regret[a]) : a.CompareTo(b));
        var sizes = new int[k];
        float[]? centroidNorms = null;
        var moved = 0;
        foreach (var point in order)
        {
            var nearest = assignment.Nearest[point];
            if (sizes[nearest] < capacity)
            {
                sizes[nearest]++;
                continue;
            }
            centroidNorms ??= PointCentroidDots.SquaredNorms(centroids, k, d);
            var row = points.AsSpan(point * d, d);
            var best = float.PositiveInfinity;
            var chosen = -1;
            for (var c = 0; c < k; c++)
            {
                if (sizes[c] >= capacity)
                {
                    continue;
                }
                var score = centroidNorms[c] - 2 * TensorPrimitives.Dot(row, centroids.AsSpan(c * d, d));
                if (score < best)
                {
                    best = score;
                    chosen = c;
                }
            }
            sizes[chosen]++;
            assignment.Nearest[point] = chosen;
            assignment.Distance[point] = Math.Max(0, TensorPrimitives.Dot(row, row) + best);
            moved++;
        }
        return moved;
    }
}
