using System.Reflection;
using System.Runtime.InteropServices;
using Sieve.Abstractions;
using Sieve.Kernels.Lexical;
using Sieve.Testing.Gpu;

namespace Sieve.Host.Tests.Operators.LexicalHead;

/// <summary>Both heads' GPU paths, run on ILGPU's CPU accelerator, against the same heads on host memory.</summary>
[Trait("Category", "Gpu")]
public sealed class GpuLexicalHeadTests : IDisposable
{
    private readonly CpuAcceleratorDevice _device = new();

    public void Dispose() => _device.Dispose();

    public static TheoryData<string, int, int, int, int> Cases => new()
    {
        { LexicalHeads.Dense, 1, 1, 7, 1 },
        { LexicalHeads.Fused, 1, 1, 7, 1 },
        { LexicalHeads.Dense, 3, 7, 40, 37 },
        { LexicalHeads.Fused, 3, 7, 40, 37 },
        { LexicalHeads.Dense, 2, 33, 7, 200 },
        { LexicalHeads.Fused, 2, 33, 7, 200 },
        { LexicalHeads.Dense, 3, 70, 40, 200 },
        { LexicalHeads.Fused, 3, 70, 40, 200 },
        { LexicalHeads.Dense, 3, 150, 20, 130 },
        { LexicalHeads.Fused, 3, 150, 20, 130 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_OnDevice_MatchesHost(string head, int batch, int sequence, int hidden, int vocabulary)
    {
        var fixture = new LexicalHeadFixture(batch, sequence, vocabulary, hidden, seed: batch * 1000 + sequence * 10 + hidden);
        // A negative bias zeroes some weights; an empty sequence and a partial one.
        var bias = fixture.Bias;
        for (var v = 0; v < bias.Length; v++)
        {
            bias[v] -= 0.6f;
        }
        if (batch > 1)
        {
            fixture.Lengths[1] = 0;
        }
        if (batch > 2)
        {
            fixture.Lengths[2] = Math.Max(1, sequence / 2);
        }
        var options = new LexicalHeadOptions { TopK = 0 };
        var projection = fixture.Projection(vocabulary > 3 ? [0, 3] : []);
        var expected = fixture.Encode(head, options, projection);

        using var encoder = Create(head, options).Bind(projection);
        using var states = _device.Upload<float>(fixture.Hidden);
        var actual = new SparseVector[batch];
        encoder.Encode(new LexicalEncodeCall { Hidden = new TensorView<float>(states.Address, new TensorShape(batch, sequence, hidden), DeviceKind.Cuda), Lengths = fixture.Lengths, Output = actual });

        if (vocabulary > 1)
        {
            Assert.Contains(expected, e => e.Count > 0);
            Assert.Contains(Enumerable.Range(0, vocabulary), v => fixture.Densify(expected)[v] == 0); // the bias zeroed some terms
        }
        for (var b = 0; b < batch; b++)
        {
            Assert.Equal(expected[b].Terms.ToArray(), actual[b].Terms.ToArray());
            for (var i = 0; i < expected[b].Count; i++)
            {
                Assert.True(Math.Abs(expected[b].Weights[i] - actual[b].Weights[i]) < 1e-4,
                    $"sequence {b}, term {expected[b].Terms[i]}: expected {expected[b].Weights[i]}, got {actual[b].Weights[i]}");
            }
        }
    }

    [Fact]
    public void Encode_OnDeviceWithTopK_KeepsTheSameTerms()
    {
        var fixture = new LexicalHeadFixture(2, 5, 37, 8, seed: 3);
        var options = new LexicalHeadOptions { TopK = 5 };
        var expected = fixture.Encode(LexicalHeads.Fused, options);
        using var encoder = Create(LexicalHeads.Fused, options).Bind(fixture.Projection());
        using var states = _device.Upload<float>(fixture.Hidden);
        var actual = new SparseVector[2];
        encoder.Encode(new LexicalEncodeCall { Hidden = new TensorView<float>(states.Address, new TensorShape(2, 5, 8), DeviceKind.Cuda), Lengths = fixture.Lengths, Output = actual });

        for (var b = 0; b < 2; b++)
        {
            Assert.Equal(expected[b].Terms.ToArray(), actual[b].Terms.ToArray());
        }
    }

    [Theory]
    [InlineData(LexicalHeads.Dense)]
    [InlineData(LexicalHeads.Fused)]
    public void Encode_DeviceViewWithoutDevice_Throws(string head)
    {
        var fixture = new LexicalHeadFixture(1, 2, 5, 4);
        using var encoder = LexicalHeads.Create(head, new LexicalHeadOptions()).Bind(fixture.Projection());
        var output = new SparseVector[1];

        Assert.Throws<InvalidOperationException>(() =>
            encoder.Encode(new LexicalEncodeCall { Hidden = new TensorView<float>(new DeviceAddress(64), new TensorShape(1, 2, 4), DeviceKind.Cuda), Lengths = [2], Output = output }));
    }

    [Theory]
    [InlineData(LexicalHeads.Dense)]
    [InlineData(LexicalHeads.Fused)]
    public void Encode_Fp16WithAnotherHiddenSize_RefusesNamingTheSetting(string head)
    {
        var fixture = new LexicalHeadFixture(1, 3, 20, 8);
        using var encoder = Create(head, new LexicalHeadOptions { GpuPrecision = "fp16" }).Bind(fixture.Projection());
        using var states = _device.Upload<float>(fixture.Hidden);
        var output = new SparseVector[1];

        var error = Assert.Throws<ArgumentException>(() =>
            encoder.Encode(new LexicalEncodeCall { Hidden = new TensorView<float>(states.Address, new TensorShape(1, 3, 8), DeviceKind.Cuda), Lengths = fixture.Lengths, Output = output }));
        Assert.Contains("GpuPrecision fp16", error.Message, StringComparison.Ordinal);
        Assert.Contains("hidden size 384", error.Message, StringComparison.Ordinal);
        Assert.Contains("is 8", error.Message, StringComparison.Ordinal);
    }

    private ILexicalHead Create(string name, LexicalHeadOptions options) => LexicalHeads.Create(name, options, _device);
}
