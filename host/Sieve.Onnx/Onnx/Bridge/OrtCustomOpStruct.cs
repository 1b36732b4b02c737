using System.Runtime.InteropServices;

namespace Sieve.Host.Onnx.Bridge;

/// <summary>
/// The C struct <c>OrtCustomOp</c> (onnxruntime_c_api.h, API 31), field for field, followed by the GC handle of the
/// managed op it calls and the op's strings (ORT passes the struct's address to every callback). Allocated and freed by
/// <see cref="SafeOrtCustomOpHandle"/>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct OrtCustomOpStruct
{
    public uint Version;
    public nint CreateKernel;
    public nint GetName;
    public nint GetExecutionProviderType;
    public nint GetInputType;
    public nint GetInputTypeCount;
    public nint GetOutputType;
    public nint GetOutputTypeCount;
    public nint KernelCompute;
    public nint KernelDestroy;
    public nint GetInputCharacteristic;
    public nint GetOutputCharacteristic;
    public nint GetInputMemoryType;
    public nint GetVariadicInputMinArity;
    public nint GetVariadicInputHomogeneity;
    public nint GetVariadicOutputMinArity;
    public nint GetVariadicOutputHomogeneity;
    public nint CreateKernelV2;
    public nint KernelComputeV2;
    public nint InferOutputShapeFn;
    public nint GetStartVersion;
    public nint GetEndVersion;
    public nint GetMayInplace;
    public nint ReleaseMayInplace;
    public nint GetAliasMap;
    public nint ReleaseAliasMap;

    /// <summary>Not part of ORT's struct: the op's <see cref="GCHandle"/>, read back in callbacks.</summary>
    public nint Owner;

    /// <summary>Not part of ORT's struct: the op's type, UTF-8, in the same block.</summary>
    public nint Name;

    /// <summary>Not part of ORT's struct: the execution provider, UTF-8, in the same block; zero for the CPU provider.</summary>
    public nint ExecutionProvider;
}
