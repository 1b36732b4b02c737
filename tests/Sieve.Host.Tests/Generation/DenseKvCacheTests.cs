using Sieve.Abstractions;
using Sieve.Host.Operators.KvCache;
using Sieve.Testing.Gpu;

namespace Sieve.Host.Tests.Generation;

public class DenseKvCacheTests
{
    [Fact]
    public void Layer_IsOneZeroedBufferOfTheMaximumLength_KeptAcrossSteps()
    {
        using var buffer = new DenseKvCache().Allocate(new KvCacheShape(Layers: 2, Batch: 3, KeyValueHeads: 2, MaxLength: 4, HeadSize: 2));
        var values = buffer.Layer(1, KvPart.Value);
        Assert.Equal(DeviceKind.Cpu, buffer.Device);
        Assert.Equal(new TensorShape(3, 2, 4, 2), values.Shape);
        Assert.Equal(3 * 2 * 4 * 2, values.Span.Length);
        Assert.All(values.Span.ToArray(), v => Assert.Equal(0f, v));
        values.Span[5] = 7;

        buffer.Advance(3);

        Assert.Equal(3, buffer.Length);
        Assert.Equal(7f, buffer.Layer(1, KvPart.Value).Span[5]);
        Assert.True(buffer.Layer(1, KvPart.Value).Span.Overlaps(values.Span));
        Assert.False(buffer.Layer(1, KvPart.Key).Span.Overlaps(values.Span));
        Assert.False(buffer.Layer(0, KvPart.Value).Span.Overlaps(values.Span));
    }

    [Fact]
    public void Allocate_OnCuda_GivesZeroedDeviceBuffersOnePerLayerAndPart()
    {
        using var gpu = new CpuAcceleratorDevice();
        using var buffer = new DenseKvCache(gpu).Allocate(new KvCacheShape(Layers: 2, Batch: 2, KeyValueHeads: 1, MaxLength: 5, HeadSize: 4, DeviceKind.Cuda));

        Assert.Equal(DeviceKind.Cuda, buffer.Device);
        var addresses = new HashSet<ulong>();
        for (var layer = 0; layer < 2; layer++)
        {
            foreach (var part in new[] { KvPart.Key, KvPart.Value })
            {
                var view = buffer.Layer(layer, part);
                Assert.Equal(DeviceKind.Cuda, view.Device);
                Assert.Equal(new TensorShape(2, 1, 5, 4), view.Shape);
                Assert.All(CpuAcceleratorDevice.Download<float>(view.Address, 40), v => Assert.Equal(0f, v));
                Assert.True(addresses.Add(view.Address.Value));
            }
        }
    }

    [Fact]
    public void Allocate_OnCudaWithoutAGpuService_IsRefused()
    {
        Assert.Throws<NotSupportedException>(() => new DenseKvCache().Allocate(new KvCacheShape(1, 1, 1, 4, 2, DeviceKind.Cuda)));
    }

    [Fact]
    public void Advance_BeyondMaxLength_Throws()
    {
        using var buffer = new DenseKvCache().Allocate(new KvCacheShape(1, 1, 1, MaxLength: 4, HeadSize: 2));
        buffer.Advance(4);

        var error = Assert.Throws<InvalidOperationException>(() => buffer.Advance(1));
        Assert.Contains("exceeds the cache's 4", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, buffer.Length);
    }

    [Fact]
    public void Advance_ByLessThanOne_Throws()
    {
        using var buffer = new DenseKvCache().Allocate(new KvCacheShape(1, 1, 1, 8, 2));

        Assert.Throws<InvalidOperationException>(() => buffer.Advance(0));
    }
}
