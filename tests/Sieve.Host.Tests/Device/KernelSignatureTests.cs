using System.Runtime.InteropServices;
using ILGPU;
using Sieve.Abstractions;
using Sieve.Cuda.Ptx;

namespace Sieve.Host.Tests.Device;

public class KernelSignatureTests
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Sizes
    {
        public int Rows;
        public float Scale;
        public int Columns;
    }

    private static void ScaleShift(ArrayView<float> input, float scale, ArrayView<float> output, int count)
    {
    }

    private static void WithStruct(ArrayView<int> first, Sizes sizes, ArrayView<ushort> halves, ulong address)
    {
    }

    private static void Unsupported(ArrayView<float> input, string name)
    {
    }

    private static Sieve.Cuda.Ptx.KernelSignature Of(string name) =>
        KernelSignature.Of(typeof(KernelSignatureTests).GetMethod(name, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!);

    [Fact]
    public void Of_ViewsAndScalars_FollowIlgpuNaturalAlignment()
    {
        // Measured with cuFuncGetParamInfo on ILGPU's PTX (NOTES §5): (0,16)(16,4)(24,16)(40,4) for this parameter list.
        var signature = Of(nameof(ScaleShift));
        Assert.Equal([(0, 16), (16, 4), (24, 16), (40, 4)], signature.Parameters.Select(p => (p.Offset, p.Size)));
        Assert.Equal(44, signature.BufferSize);
    }

    [Fact]
    public void Of_StructOfFourByteFields_IsCopiedWholeAtFourByteAlignment()
    {
        var signature = Of(nameof(WithStruct));
        Assert.Equal([(0, 16), (16, 12), (32, 16), (48, 8)], signature.Parameters.Select(p => (p.Offset, p.Size)));
    }

    [Fact]
    public void Of_UnsupportedParameter_NamesIt()
    {
        var error = Assert.Throws<ArgumentException>(() => Of(nameof(Unsupported)));
        Assert.Contains("'name'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pack_WritesAddressLengthAndValues()
    {
        var buffer = Of(nameof(ScaleShift)).Pack(new KernelArguments()
            .View<float>(new DeviceAddress(0x1000), 7).Value(2.5f).View<float>(new DeviceAddress(0x2000), 9).Value(3));
        Assert.Equal(0x1000UL, BitConverter.ToUInt64(buffer, 0));
        Assert.Equal(7L, BitConverter.ToInt64(buffer, 8));
        Assert.Equal(2.5f, BitConverter.ToSingle(buffer, 16));
        Assert.Equal(0x2000UL, BitConverter.ToUInt64(buffer, 24));
        Assert.Equal(9L, BitConverter.ToInt64(buffer, 32));
        Assert.Equal(3, BitConverter.ToInt32(buffer, 40));
    }

    [Fact]
    public void Pack_StructAndSixteenBitViews_AreAccepted()
    {
        var buffer = Of(nameof(WithStruct)).Pack(new KernelArguments()
            .View<int>(new DeviceAddress(8), 1).Value(new Sizes { Rows = 4, Scale = 0.5f, Columns = 6 })
            .View<System.Half>(new DeviceAddress(16), 2).Value(0xABCDUL));
        Assert.Equal(4, BitConverter.ToInt32(buffer, 16));
        Assert.Equal(0.5f, BitConverter.ToSingle(buffer, 20));
        Assert.Equal(6, BitConverter.ToInt32(buffer, 24));
        Assert.Equal(0xABCDUL, BitConverter.ToUInt64(buffer, 48));
    }

    [Fact]
    public void Pack_WrongCountOrType_NamesKernelAndParameter()
    {
        var signature = Of(nameof(ScaleShift));
        var count = Assert.Throws<ArgumentException>(() => signature.Pack(new KernelArguments().View<float>(new DeviceAddress(8), 1)));
        Assert.Contains("takes 4 arguments, 1 were given", count.Message, StringComparison.Ordinal);
        var type = Assert.Throws<ArgumentException>(() => signature.Pack(new KernelArguments()
            .View<float>(new DeviceAddress(8), 1).Value(2).View<float>(new DeviceAddress(8), 1).Value(3)));
        Assert.Contains("parameter 'scale' is Single, the argument is Int32", type.Message, StringComparison.Ordinal);
        var view = Assert.Throws<ArgumentException>(() => signature.Pack(new KernelArguments()
            .View<int>(new DeviceAddress(8), 1).Value(2f).View<float>(new DeviceAddress(8), 1).Value(3)));
        Assert.Contains("parameter 'input' is a view of Single, the argument is a view of Int32", view.Message, StringComparison.Ordinal);
    }
}
