using Sieve.Abstractions;

namespace Sieve.Abstractions.Tests;

public class TensorViewTests
{
    [Fact]
    public void Constructor_SpanShorterThanShape_Throws()
    {
        var data = new float[5];
        Assert.Throws<ArgumentException>(() => new TensorView<float>(data, new TensorShape(2, 3)));
    }

    [Fact]
    public void Span_HostView_ExposesTheSameMemory()
    {
        var data = new float[6];
        var view = new TensorView<float>(data, new TensorShape(2, 3));
        view.Span[4] = 7;
        Assert.Equal(7, data[4]);
        Assert.Equal(TensorElementType.Float32, view.ElementType);
    }

    [Fact]
    public void Span_DeviceView_Throws()
    {
        var threw = false;
        var view = new TensorView<float>(new DeviceAddress(0x1000), new TensorShape(4), DeviceKind.Cuda);
        try
        {
            _ = view.Span;
        }
        catch (InvalidOperationException)
        {
            threw = true;
        }
        Assert.True(threw);
        Assert.Equal(0x1000UL, view.Address.Value);
    }

    [Fact]
    public void TensorShape_ElementCountAndNegativeAxis()
    {
        var shape = new TensorShape(2, 12, 7, 32);
        Assert.Equal(2L * 12 * 7 * 32, shape.ElementCount);
        Assert.Equal(32, shape[-1]);
        Assert.Equal("[2, 12, 7, 32]", shape.ToString());
        Assert.Equal(shape, new TensorShape(2, 12, 7, 32));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TensorShape(2, -1));
    }

    [Fact]
    public void SparseVector_UnsortedTerms_Throws() =>
        Assert.Throws<ArgumentException>(() => new SparseVector([3, 1], [0.5f, 0.25f]));
}
