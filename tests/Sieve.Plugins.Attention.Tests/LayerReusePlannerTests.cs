namespace Sieve.Plugins.Attention.Tests;

/// <summary>
/// <see cref="LayerReusePlanner"/>: a hand-made overlap matrix whose best plan is known, and random matrices against an
/// exhaustive search over every set of computing layers (the reference's objective: the worst reuse overlap, then the sum).
/// </summary>
public sealed class LayerReusePlannerTests
{
    [Fact]
    public void Plan_HandMadeOverlaps_FindsTheKnownBestPath()
    {
        // Six layers, no dense one, two computing layers. Layers 0–2 look alike, so do 3–5; across the groups overlap is low.
        // The best path computes at 0 and 3: every reuse then scores ≥ 0.8 (any other pair leaves a reuse at ≤ 0.3).
        var overlap = Matrix(6, 0.2);
        (overlap[0, 1], overlap[0, 2], overlap[1, 2]) = (0.9, 0.8, 0.95);
        (overlap[3, 4], overlap[3, 5], overlap[4, 5]) = (0.85, 0.8, 0.9);
        overlap[2, 3] = 0.3;
        var plans = LayerReusePlanner.Plan(overlap, [0.1, 0.1, 0.1, 0.1, 0.1, 0.1], denseLayers: 0, computeBudget: 2);

        Assert.Equal([LayerMode.Compute, LayerMode.Reuse, LayerMode.Reuse, LayerMode.Compute, LayerMode.Reuse, LayerMode.Reuse], plans.Select(p => p.Mode));
        Assert.Equal([null, 0, 0, null, 3, 3], plans.Select(p => p.Source));
        Assert.Equal((0.8, 0.9 + 0.8 + 0.85 + 0.8), LayerReusePlanner.Score(overlap, plans));
    }

    [Fact]
    public void Plan_SensitiveLayers_StayDenseAndAreSkippedByReuse()
    {
        var overlap = Matrix(4, 0.6);
        overlap[0, 3] = 0.9;
        var plans = LayerReusePlanner.Plan(overlap, [0.1, 0.5, 0.4, 0.1], denseLayers: 2, computeBudget: 1);

        Assert.Equal([LayerMode.Compute, LayerMode.Dense, LayerMode.Dense, LayerMode.Reuse], plans.Select(p => p.Mode));
        Assert.Equal(0, plans[3].Source);
    }

    [Fact]
    public void Plan_TiedWorstCase_PrefersTheLargerSumEvenWithFewerComputingLayers()
    {
        // Every plan's worst reuse is 0.5; computing only at 0 sums 0.5 + 0.9 + 0.9, more than any plan with two.
        var overlap = Matrix(4, 0.5);
        (overlap[0, 2], overlap[0, 3]) = (0.9, 0.9);
        var plans = LayerReusePlanner.Plan(overlap, [0, 0, 0, 0], denseLayers: 0, computeBudget: 2);

        Assert.Equal([LayerMode.Compute, LayerMode.Reuse, LayerMode.Reuse, LayerMode.Reuse], plans.Select(p => p.Mode));
        var (worst, sum) = LayerReusePlanner.Score(overlap, plans);
        Assert.Equal(0.5, worst);
        Assert.Equal(2.3, sum, 9);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Plan_RandomOverlaps_MatchesExhaustiveSearch(int seed)
    {
        var random = new Random(seed);
        var layers = 5 + seed % 3;
        var overlap = new double[layers, layers];
        for (var i = 0; i < layers; i++)
        {
            for (var j = i + 1; j < layers; j++)
            {
                overlap[i, j] = Math.Round(random.NextDouble(), 2);
            }
        }
        var sensitivity = Enumerable.Range(0, layers).Select(_ => random.NextDouble()).ToArray();
        foreach (var (dense, budget) in new[] { (0, 2), (1, 2), (1, 3), (2, 1) })
        {
            var plans = LayerReusePlanner.Plan(overlap, sensitivity, dense, budget);
            var best = Exhaustive(overlap, plans.Where(p => p.Mode != LayerMode.Dense).Select(p => p.Layer).ToArray(), budget);
            var got = LayerReusePlanner.Score(overlap, plans);
            Assert.True(Math.Abs(best.Worst - got.Worst) < 1e-9 && Math.Abs(best.Sum - got.Sum) < 1e-9,
                $"dense {dense}, budget {budget}: exhaustive ({best.Worst}, {best.Sum}), planner ({got.Worst}, {got.Sum})");
            Assert.True(plans.Count(p => p.Mode == LayerMode.Compute) <= budget);
        }
    }

    /// <summary>The best (worst, sum) over every set of computing layers that includes the first sparse layer.</summary>
    private static (double Worst, double Sum) Exhaustive(double[,] overlap, int[] sparse, int budget)
    {
        (double Worst, double Sum) best = (double.NegativeInfinity, double.NegativeInfinity);
        for (var mask = 1; mask < 1 << sparse.Length; mask += 2)
        {
            if (System.Numerics.BitOperations.PopCount((uint)mask) > budget)
            {
                continue;
            }
            double worst = 1, sum = 0;
            var last = 0;
            for (var k = 1; k < sparse.Length; k++)
            {
                if ((mask >> k & 1) == 1)
                {
                    last = k;
                    continue;
                }
                var value = overlap[sparse[last], sparse[k]];
                worst = Math.Min(worst, value);
                sum += value;
            }
            if (worst > best.Worst + 1e-12 || (Math.Abs(worst - best.Worst) <= 1e-12 && sum > best.Sum))
            {
                best = (worst, sum);
            }
        }
        return best;
    }

    private static double[,] Matrix(int layers, double value)
    {
        var matrix = new double[layers, layers];
        for (var i = 0; i < layers; i++)
        {
            for (var j = i + 1; j < layers; j++)
            {
                matrix[i, j] = value;
            }
        }
        return matrix;
    }
}
