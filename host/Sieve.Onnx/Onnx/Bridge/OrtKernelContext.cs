namespace Sieve.Host.Onnx.Bridge;

/// <summary>A node's inputs and outputs during one compute call (<c>OrtKernelContext*</c>); never stored.</summary>
internal readonly unsafe struct OrtKernelContext(nint context)
{
    /// <summary>The CUDA stream ORT runs this node on (CUDA provider only); work enqueued there is ordered with ORT's own.</summary>
    public nint GpuComputeStream
    {
        get
        {
            nint stream;
            OrtApiTable.Check(((delegate* unmanaged[Cdecl]<nint, nint*, nint>)OrtApiTable.Api.KernelContext_GetGPUComputeStream)(context, &stream), "KernelContext_GetGPUComputeStream");
            return stream;
        }
    }

    public int InputCount
    {
        get
        {
            nuint count;
            OrtApiTable.Check(((delegate* unmanaged[Cdecl]<nint, nuint*, nint>)OrtApiTable.Api.KernelContext_GetInputCount)(context, &count), "KernelContext_GetInputCount");
            return (int)count;
        }
    }

    /// <summary>Input <paramref name="index"/>, or null when an optional input is absent.</summary>
    public OrtTensor? Input(int index)
    {
        if (index >= InputCount)
        {
            return null;
        }
        nint value;
        OrtApiTable.Check(((delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint>)OrtApiTable.Api.KernelContext_GetInput)(context, (nuint)index, &value), $"KernelContext_GetInput({index})");
        return value == 0 ? null : OrtTensor.Describe(value);
    }

    /// <summary>
    /// Runs <paramref name="body"/>(<paramref name="state"/>, i) for 0 ≤ i &lt; <paramref name="count"/> on the session's
    /// intra-op thread pool (the calling thread takes part) and returns when all are done.
    /// </summary>
    public void ParallelFor(int count, delegate* unmanaged[Cdecl]<nint, nuint, void> body, nint state) =>
        OrtApiTable.Check(((delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<nint, nuint, void>, nuint, nuint, nint, nint>)OrtApiTable.Api.KernelContext_ParallelFor)(
            context, body, (nuint)count, 0, state), "KernelContext_ParallelFor");

    /// <summary>Allocates output <paramref name="index"/> with <paramref name="shape"/> on the node's device.</summary>
    public OrtTensor Output(int index, ReadOnlySpan<long> shape)
    {
        nint value;
        fixed (long* dims = shape)
        {
            OrtApiTable.Check(((delegate* unmanaged[Cdecl]<nint, nuint, long*, nuint, nint*, nint>)OrtApiTable.Api.KernelContext_GetOutput)(context, (nuint)index, dims, (nuint)shape.Length, &value), $"KernelContext_GetOutput({index})");
        }
        return OrtTensor.Describe(value);
    }
}
