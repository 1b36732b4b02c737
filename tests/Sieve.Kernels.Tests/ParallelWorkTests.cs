namespace Sieve.Kernels.Tests;

public class ParallelWorkTests
{
    [Fact]
    public void For_WithARunnerInScope_RunsEveryIterationThroughItOnce()
    {
        var runner = new CountingRunner();
        var hits = new int[100];
        using (ParallelWork.Use(runner))
        {
            Assert.Same(runner, ParallelWork.CurrentRunner);
            ParallelWork.For(hits.Length, i => Interlocked.Increment(ref hits[i]));
        }
        Assert.Equal(1, runner.Loops);
        Assert.All(hits, h => Assert.Equal(1, h));
        Assert.Null(ParallelWork.CurrentRunner);
    }

    [Fact]
    public void Use_Nested_RestoresTheOuterRunnerWhenDisposed()
    {
        var outer = new CountingRunner();
        var inner = new CountingRunner();
        using (ParallelWork.Use(outer))
        {
            using (ParallelWork.Use(inner))
            {
                ParallelWork.For(3, _ => { });
            }
            ParallelWork.For(3, _ => { });
            Assert.Same(outer, ParallelWork.CurrentRunner);
        }
        Assert.Equal((1, 1), (outer.Loops, inner.Loops));
    }

    [Theory]
    [InlineData(0, 8)]
    [InlineData(1, 8)]
    [InlineData(7, 8)]
    [InlineData(8, 8)]
    [InlineData(1000, 8)]
    [InlineData(13, 1)]
    [InlineData(5, 0)]
    public void ForRanges_CoversEveryIndexExactlyOnce(int total, int ranges)
    {
        var hits = new int[total];
        ParallelWork.ForRanges(total, ranges, (from, to) =>
        {
            Assert.True(from < to, $"empty range [{from}, {to})");
            for (var i = from; i < to; i++)
            {
                Interlocked.Increment(ref hits[i]);
            }
        });
        Assert.All(hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void For_WithoutARunner_RunsOnDotNetsPoolAndRethrows()
    {
        var hits = new int[50];
        ParallelWork.For(hits.Length, i => Interlocked.Increment(ref hits[i]));
        Assert.All(hits, h => Assert.Equal(1, h));
        var error = Assert.Throws<AggregateException>(() => ParallelWork.For(10, i =>
        {
            if (i == 3)
            {
                throw new InvalidOperationException("iteration 3");
            }
        }));
        Assert.Contains(error.InnerExceptions, e => e.Message == "iteration 3");
    }

    private sealed class CountingRunner : IParallelRunner
    {
        public int Loops { get; private set; }

        public void Run(int count, Action<int> body)
        {
            Loops++;
            for (var i = 0; i < count; i++)
            {
                body(i);
            }
        }
    }
}
