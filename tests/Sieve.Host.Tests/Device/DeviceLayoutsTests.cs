using Sieve.Abstractions;
using Sieve.Tools.Bench;
using Sieve.Host.Device;
using Sieve.Host.Onnx.Passes.Attention;
using Sieve.Host.Onnx.Bridge;
using Sieve.Testing.Gpu;

namespace Sieve.Host.Tests.Device;

/// <summary>
/// The host's own GPU kernels (layouts and key bounds around the attention node, benchmark data) run on ILGPU's CPU
/// accelerator through the same launch code as on the GPU, and match the CPU implementations.
/// </summary>
public sealed class DeviceLayoutsTests : IDisposable
{
    private readonly CpuAcceleratorDevice _device = new();

    public void Dispose() => _device.Dispose();

    private static float[] Sequence(int count) => Enumerable.Range(0, count).Select(i => i * 0.5f - 3).ToArray();

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 7, 5)]
    [InlineData(2, 32, 33)]
    public void SwapLastTwo_MatchesTheCpuTranspose(int matrices, int rows, int columns)
    {
        var source = Sequence(matrices * rows * columns);
        using var input = _device.Upload<float>(source);
        using var output = _device.Allocate(source.Length * 4L);
        new DeviceLayouts(_device).SwapLastTwo(input.Address, output.Address, matrices, rows, columns);
        var expected = AttentionLayouts.SwapLastTwo(source, new float[source.Length], matrices, rows, columns).ToArray();
        Assert.Equal(expected, CpuAcceleratorDevice.Download<float>(output));
    }

    [Theory]
    [InlineData(1, 5, 3, 4)]
    [InlineData(2, 9, 4, 7)]
    public void SwapMiddleAxes_PackedToHeadsFirstAndBack_MatchesTheCpuLayouts(int batch, int length, int heads, int headSize)
    {
        var packed = Sequence(batch * length * heads * headSize);
        using var input = _device.Upload<float>(packed);
        using var headsFirst = _device.Allocate(packed.Length * 4L);
        using var back = _device.Allocate(packed.Length * 4L);
        var layouts = new DeviceLayouts(_device);
        layouts.SwapMiddleAxes(input.Address, headsFirst.Address, batch, length, heads, headSize);
        layouts.SwapMiddleAxes(headsFirst.Address, back.Address, batch, heads, length, headSize);
        var expected = AttentionLayouts.PackedToHeadsFirst(packed, new float[packed.Length], batch, length, heads, headSize).ToArray();
        Assert.Equal(expected, CpuAcceleratorDevice.Download<float>(headsFirst));
        Assert.Equal(packed, CpuAcceleratorDevice.Download<float>(back));
    }

    [Fact]
    public void KeyBoundsFromMask_LeftRightNoneAndAllValid_GivesEachRowsWindow()
    {
        const int Keys = 6;
        const float M = -10000f;
        float[] mask =
        [
            0, 0, 0, 0, M, M,                         // right padding
            float.MinValue, M, 0, 0, 0, 0,            // left padding
            M, M, M, M, M, M,                         // nothing valid
            0, 0, 0, 0, 0, 0,                         // all valid
        ];
        var (starts, ends) = Bounds(layouts => layouts.KeyBoundsFromMask, mask, 4, Keys);
        Assert.Equal([0, 2, 0, 0], starts);
        Assert.Equal([4, 6, 0, 6], ends);
    }

    [Fact]
    public void KeyBoundsFromMask_NoMask_EveryKeyIsValid()
    {
        using var bounds = _device.Allocate(2 * 3 * 4);
        new DeviceLayouts(_device).KeyBoundsFromMask(default, bounds.Address, new DeviceAddress(bounds.Address.Value + 12), 3, 9);
        Assert.Equal([0, 0, 0, 9, 9, 9], CpuAcceleratorDevice.Download<int>(bounds));
    }

    [Fact]
    public void KeyBoundsFromLengths_ClampsToTheKeys()
    {
        using var lengths = _device.Upload<int>([3, 0, 12]);
        using var bounds = _device.Allocate(2 * 3 * 4);
        new DeviceLayouts(_device).KeyBoundsFromLengths(lengths.Address, bounds.Address, new DeviceAddress(bounds.Address.Value + 12), 3, 10);
        Assert.Equal([0, 0, 0, 3, 0, 10], CpuAcceleratorDevice.Download<int>(bounds));
    }

    [Fact]
    public void BenchData_FillAndHalfRoundTrip_MatchTheFormula()
    {
        const int Heads = 2, Rows = 5, Dim = 8;
        using var values = _device.Allocate(Heads * Rows * Dim * 4);
        using var half = _device.Allocate(Heads * Rows * Dim * 2);
        using var back = _device.Allocate(Heads * Rows * Dim * 4);
        var data = new BenchData(_device);
        data.Fill(values.Address, Heads, Rows, Dim, seed: 3, phaseSeed: 7, headsPerPhase: 1, amplitude: 1.5f, noise: 0f);
        data.ToHalf(values.Address, half.Address, Heads * Rows * Dim);
        data.FromHalf(half.Address, back.Address, Heads * Rows * Dim);
        var filled = CpuAcceleratorDevice.Download<float>(values);
        // With no noise, position t of feature d is 1.5·cos(ω_d·t + φ_d): row 0 holds the phases, and |value| ≤ 1.5.
        Assert.All(filled, v => Assert.InRange(v, -1.5f, 1.5f));
        for (var d = 0; d < Dim; d++)
        {
            var phase = MathF.Acos(filled[d] / 1.5f);
            var frequency = MathF.Pow(10000f, -(d / 2 * 2) / (float)Dim);
            var expected = 1.5f * MathF.Cos(frequency * 1 + Phase(filled, d, phase, frequency));
            Assert.Equal(expected, filled[Dim + d], 3);
        }
        var rounded = CpuAcceleratorDevice.Download<float>(back);
        for (var i = 0; i < filled.Length; i++)
        {
            // Within one fp16 step (ILGPU's CPU conversion may round the last bit differently from .NET's).
            Assert.True(Math.Abs(filled[i] - rounded[i]) <= 1e-3f * Math.Max(1f, Math.Abs(filled[i])), $"element {i}: {filled[i]} came back as {rounded[i]}");
        }
    }

    /// <summary>The phase (±acos) that also explains row 2, so row 1 can be predicted from row 0.</summary>
    private static float Phase(float[] filled, int d, float phase, float frequency) =>
        MathF.Abs(1.5f * MathF.Cos(frequency * 2 + phase) - filled[2 * 8 + d]) < 1e-3f ? phase : -phase;

    private (int[] Starts, int[] Ends) Bounds(Func<DeviceLayouts, Action<DeviceAddress, DeviceAddress, DeviceAddress, int, int>> kernel, float[] mask, int batch, int keys)
    {
        using var input = _device.Upload<float>(mask);
        using var bounds = _device.Allocate(2L * batch * 4);
        kernel(new DeviceLayouts(_device))(input.Address, bounds.Address, new DeviceAddress(bounds.Address.Value + (ulong)(batch * 4)), batch, keys);
        var all = CpuAcceleratorDevice.Download<int>(bounds);
        return (all[..batch], all[batch..]);
    }
}
