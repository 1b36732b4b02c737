using System.Runtime.Intrinsics;

namespace Sieve.Kernels.Tests;

public class FastExpTests
{
    [Fact]
    public void Exp_OverTheSoftmaxRange_IsWithinTwoUlpsOfDoublePrecision()
    {
        var worst = 0.0;
        for (var x = -87f; x <= 10f; x += 0.0137f)
        {
            var lanes = FastExp.Exp(Vector256.Create(x, x + 0.001f, x - 0.002f, x * 0.5f, x * 0.25f, x * 0.125f, x * 0.01f, -x * 0.001f));
            for (var i = 0; i < 8; i++)
            {
                var input = i switch { 0 => x, 1 => x + 0.001f, 2 => x - 0.002f, 3 => x * 0.5f, 4 => x * 0.25f, 5 => x * 0.125f, 6 => x * 0.01f, _ => -x * 0.001f };
                var exact = Math.Exp(input);
                worst = Math.Max(worst, Math.Abs(lanes[i] - exact) / exact);
            }
        }
        Assert.True(worst < 2.5e-7, $"largest relative error {worst}");
    }

    [Fact]
    public void Exp_BelowTheNormalRangeAndMinusInfinity_IsZero()
    {
        var lanes = FastExp.Exp(Vector256.Create(float.NegativeInfinity, -88f, -100f, -1e30f, 0f, -87f, 1f, -0f));
        Assert.Equal([0f, 0f, 0f, 0f, 1f], [lanes[0], lanes[1], lanes[2], lanes[3], lanes[4]]);
        Assert.True(lanes[5] > 0, "e^-87 is a normal float");
        Assert.Equal(MathF.E, lanes[6], 6);
        Assert.Equal(1f, lanes[7]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(300)]
    public void ExpShiftedSum_WeightsEveryEntryAndReturnsTheirSum(int length)
    {
        var random = new Random(length);
        var row = Enumerable.Range(0, length).Select(i => i % 5 == 3 ? float.NegativeInfinity : (float)(random.NextDouble() * 20 - 10)).ToArray();
        var maximum = row.Max();
        var expected = row.Select(x => Math.Exp(x - maximum)).ToArray();
        var sum = FastExp.ExpShiftedSum(row, maximum);
        for (var i = 0; i < length; i++)
        {
            Assert.True(Math.Abs(row[i] - expected[i]) <= 3e-7 * expected[i], $"entry {i}: expected {expected[i]}, got {row[i]}");
        }
        Assert.Equal(expected.Sum(), sum, 1e-5 * expected.Sum());
    }
}
