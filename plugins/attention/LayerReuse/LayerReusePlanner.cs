namespace Sieve.Plugins.Attention;

/// <summary>
/// HyLRA's offline plan: the most sensitive layers stay dense; among the others, choose which compute their own block
/// selection (at most a budget of them, the first sparse layer always) so that every other sparse layer reuses the most
/// recent computing layer before it. The objective is the reference's: maximise the worst overlap along the path (a
/// reusing layer j after computing layer i scores overlap[i, j]), then, among plans with that worst case, the sum.
/// Solved exactly in two passes of the same dynamic programme over "the last computing layer and how many so far":
/// first the best bottleneck, then the best sum with every reuse at or above it. Thread-safe (no state).
/// </summary>
public static class LayerReusePlanner
{
    /// <summary>Plans every layer.</summary>
    /// <param name="overlap">[layers, layers]: overlap[i, j] for i &lt; j, how much of layer j's top blocks layer i's cover (0–1).</param>
    /// <param name="sensitivity">Per layer; the <paramref name="denseLayers"/> highest stay dense (ties: the lower layer).</param>
    /// <param name="computeBudget">The most layers that compute a selection (at least 1 when any layer is sparse).</param>
    public static IReadOnlyList<LayerPlan> Plan(double[,] overlap, IReadOnlyList<double> sensitivity, int denseLayers, int computeBudget)
    {
        ArgumentNullException.ThrowIfNull(overlap);
        ArgumentNullException.ThrowIfNull(sensitivity);
        var layers = sensitivity.Count;
        if (overlap.GetLength(0) != layers || overlap.GetLength(1) != layers)
        {
            throw new ArgumentException($"The overlap matrix is {overlap.GetLength(0)}×{overlap.GetLength(1)} for {layers} layers.", nameof(overlap));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(denseLayers);
        ArgumentOutOfRangeException.ThrowIfLessThan(computeBudget, 1);
        var dense = Enumerable.Range(0, layers).OrderByDescending(l => sensitivity[l]).ThenBy(l => l).Take(Math.Min(denseLayers, layers)).ToHashSet();
        var sparse = Enumerable.Range(0, layers).Where(l => !dense.Contains(l)).ToArray();
        var computing = sparse.Length == 0 ? [] : Choose(overlap, sparse, Math.Min(computeBudget, sparse.Length));
        var plans = new List<LayerPlan>(layers);
        int? last = null;
        for (var layer = 0; layer < layers; layer++)
        {
            if (dense.Contains(layer))
            {
                plans.Add(new LayerPlan(layer, LayerMode.Dense, null, sensitivity[layer]));
            }
            else if (computing.Contains(layer))
            {
                plans.Add(new LayerPlan(layer, LayerMode.Compute, null, sensitivity[layer]));
                last = layer;
            }
            else
            {
                plans.Add(new LayerPlan(layer, LayerMode.Reuse, last, sensitivity[layer]));
            }
        }
        return plans;
    }

    /// <summary>The worst and summed overlap of reusing layers along a plan (for reports and tests).</summary>
    public static (double Worst, double Sum) Score(double[,] overlap, IReadOnlyList<LayerPlan> plans)
    {
        ArgumentNullException.ThrowIfNull(overlap);
        ArgumentNullException.ThrowIfNull(plans);
        double worst = 1, sum = 0;
        foreach (var plan in plans.Where(p => p.Mode == LayerMode.Reuse))
        {
            var value = overlap[plan.Source!.Value, plan.Layer];
            worst = Math.Min(worst, value);
            sum += value;
        }
        return (worst, sum);
    }

    /// <summary>The computing layers among <paramref name="sparse"/> (ascending layer indices).</summary>
    private static HashSet<int> Choose(double[,] overlap, int[] sparse, int budget)
    {
        // Pass 1: the best bottleneck (sum ignored); pass 2: the best sum with no reuse below it.
        var bottleneck = Solve(overlap, sparse, budget, floor: null, out _);
        Solve(overlap, sparse, budget, floor: bottleneck, out var chosen);
        return chosen;
    }

    /// <summary>
    /// best[k, b]: the best value of sparse layers 0..k with sparse layer k computing and b computing layers so far.
    /// Without a floor the value is the bottleneck; with one it is the sum, segments below the floor being forbidden.
    /// </summary>
    private static double Solve(double[,] overlap, int[] sparse, int budget, double? floor, out HashSet<int> chosen)
    {
        var n = sparse.Length;
        var best = new double[n, budget + 1];
        var from = new int[n, budget + 1];
        for (var k = 0; k < n; k++)
        {
            for (var b = 0; b <= budget; b++)
            {
                best[k, b] = double.NegativeInfinity;
                from[k, b] = -1;
            }
        }
        best[0, 1] = floor is null ? 1.0 : 0.0; // the first sparse layer computes: nothing reused yet
        for (var k = 1; k < n; k++)
        {
            for (var i = 0; i < k; i++)
            {
                // Sparse layers between i and k reuse i.
                var segment = Segment(overlap, sparse, i, k, floor);
                if (double.IsNegativeInfinity(segment))
                {
                    continue;
                }
                for (var b = 1; b < budget; b++)
                {
                    if (double.IsNegativeInfinity(best[i, b]))
                    {
                        continue;
                    }
                    var value = floor is null ? Math.Min(best[i, b], segment) : best[i, b] + segment;
                    if (value > best[k, b + 1])
                    {
                        best[k, b + 1] = value;
                        from[k, b + 1] = i;
                    }
                }
            }
        }
        // The last computing layer covers the rest.
        var (bestValue, bestK, bestB) = (double.NegativeInfinity, -1, -1);
        for (var k = 0; k < n; k++)
        {
            var tail = Segment(overlap, sparse, k, n, floor);
            for (var b = 1; b <= budget; b++)
            {
                if (double.IsNegativeInfinity(best[k, b]) || double.IsNegativeInfinity(tail))
                {
                    continue;
                }
                var value = floor is null ? Math.Min(best[k, b], tail) : best[k, b] + tail;
                if (value > bestValue)
                {
                    (bestValue, bestK, bestB) = (value, k, b);
                }
            }
        }
        chosen = [];
        for (var (k, b) = (bestK, bestB); k >= 0; (k, b) = (from[k, b], b - 1))
        {
            chosen.Add(sparse[k]);
        }
        return bestValue;
    }

    /// <summary>
    /// The value of sparse layers i+1..end−1 reusing sparse layer i: their worst overlap (no floor; 1 when empty), or
    /// their summed overlap when every one reaches the floor (else −∞).
    /// </summary>
    private static double Segment(double[,] overlap, int[] sparse, int i, int end, double? floor)
    {
        double worst = 1, sum = 0;
        for (var m = i + 1; m < end; m++)
        {
            var value = overlap[sparse[i], sparse[m]];
            worst = Math.Min(worst, value);
            sum += value;
        }
        if (floor is null)
        {
            return worst;
        }
        return worst >= floor.Value - 1e-12 ? sum : double.NegativeInfinity;
    }
}
