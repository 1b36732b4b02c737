namespace Sieve.Host.Onnx.Bridge;

/// <summary>A tensor handed to a custom op: its element type, shape and data address, valid during one compute call.</summary>
internal readonly unsafe struct OrtTensor
{
    private readonly nint _data;

    private OrtTensor(int elementType, long[] shape, nint data)
    {
        ElementType = elementType;
        Shape = shape;
        _data = data;
    }

    /// <summary>ONNX element type (1 float, 6 int32, 7 int64, 9 bool).</summary>
    public int ElementType { get; }

    public long[] Shape { get; }

    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (var d in Shape)
            {
                count *= d;
            }
            return count;
        }
    }

    /// <summary>The data's address: a device pointer for tensors of the CUDA provider, never dereferenced here.</summary>
    public Sieve.Abstractions.DeviceAddress Address => new((ulong)_data);

    /// <summary>The data as a span of <typeparamref name="T"/>; the caller has checked <see cref="ElementType"/>.</summary>
    public Span<T> Span<T>() where T : unmanaged => new((void*)_data, checked((int)ElementCount));

    /// <summary>The data as memory that worker threads may use until the compute call returns.</summary>
    public Memory<T> Memory<T>() where T : unmanaged => new NativeMemoryManager<T>(_data, checked((int)ElementCount)).Memory;

    public static OrtTensor Describe(nint value)
    {
        ref readonly var api = ref OrtApiTable.Api;
        nint info;
        OrtApiTable.Check(((delegate* unmanaged[Cdecl]<nint, nint*, nint>)api.GetTensorTypeAndShape)(value, &info), "GetTensorTypeAndShape");
        try
        {
            int type;
            nuint rank;
            OrtApiTable.Check(((delegate* unmanaged[Cdecl]<nint, int*, nint>)api.GetTensorElementType)(info, &type), "GetTensorElementType");
            OrtApiTable.Check(((delegate* unmanaged[Cdecl]<nint, nuint*, nint>)api.GetDimensionsCount)(info, &rank), "GetDimensionsCount");
            var shape = new long[(int)rank];
            fixed (long* dims = shape)
            {
                OrtApiTable.Check(((delegate* unmanaged[Cdecl]<nint, long*, nuint, nint>)api.GetDimensions)(info, dims, rank), "GetDimensions");
            }
            nint data;
            OrtApiTable.Check(((delegate* unmanaged[Cdecl]<nint, nint*, nint>)api.GetTensorMutableData)(value, &data), "GetTensorMutableData");
            return new OrtTensor(type, shape, data);
        }
        finally
        {
            ((delegate* unmanaged[Cdecl]<nint, void>)api.ReleaseTensorTypeAndShapeInfo)(info);
        }
    }
}
