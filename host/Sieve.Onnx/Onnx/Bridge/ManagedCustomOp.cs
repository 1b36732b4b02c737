using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Sieve.Host.Onnx.Bridge;

/// <summary>
/// A custom operator of ONNX Runtime implemented in C#. Its callbacks are static
/// <see cref="UnmanagedCallersOnlyAttribute"/> methods that find this object through the GC handle stored after the native
/// struct; every callback catches every exception and returns an ORT status naming the operator and node. The op itself
/// owns nothing native: <see cref="CreateNative"/> makes the struct for a domain, and the domain owns it.
/// </summary>
internal abstract unsafe class ManagedCustomOp
{
    private readonly string? _provider;

    /// <param name="name">The operator type.</param>
    /// <param name="provider">The execution provider whose memory the kernel works on (<c>CUDAExecutionProvider</c>), or
    /// null for the CPU provider.</param>
    protected ManagedCustomOp(string name, string? provider = null)
    {
        Name = name;
        _provider = provider;
    }

    /// <summary>The operator type in the graph (<c>ai.sieve::Name</c>).</summary>
    public string Name { get; }

    /// <summary>
    /// Whether a domain with this op must be kept, with all its ops, for the process's life: ops of a GPU provider.
    /// A process that had created and disposed several CUDA sessions with these ops crashed at exit (H100, ORT 1.31;
    /// docs/cuda.md); keeping them is one of the two changes made for it. A few hundred bytes per model load.
    /// </summary>
    public bool KeptForProcess => _provider is not null;

    /// <summary>
    /// Makes the native struct ORT calls this op through, for one domain. The handle owns the struct, the strings and
    /// the GC handle to this op; this op keeps no reference to it (see <see cref="SafeOrtCustomOpHandle"/>).
    /// </summary>
    /// <param name="keptForProcess">Never free it (the domain's choice: see <see cref="KeptForProcess"/>).</param>
    public SafeOrtCustomOpHandle CreateNative(bool keptForProcess)
    {
        var handle = SafeOrtCustomOpHandle.Allocate(this, _provider, keptForProcess);
        var native = handle.Struct;
        native->GetName = (nint)(delegate* unmanaged[Cdecl]<OrtCustomOpStruct*, nint>)&GetNameCallback;
        native->GetExecutionProviderType = (nint)(delegate* unmanaged[Cdecl]<OrtCustomOpStruct*, nint>)&GetProviderCallback;
        native->GetInputType = (nint)(delegate* unmanaged[Cdecl]<OrtCustomOpStruct*, nuint, int>)&GetInputTypeCallback;
        native->GetInputTypeCount = (nint)(delegate* unmanaged[Cdecl]<OrtCustomOpStruct*, nuint>)&GetInputCountCallback;
        native->GetOutputType = (nint)(delegate* unmanaged[Cdecl]<OrtCustomOpStruct*, nuint, int>)&GetOutputTypeCallback;
        native->GetOutputTypeCount = (nint)(delegate* unmanaged[Cdecl]<OrtCustomOpStruct*, nuint>)&GetOutputCountCallback;
        native->KernelDestroy = (nint)(delegate* unmanaged[Cdecl]<nint, void>)&KernelDestroyCallback;
        native->GetInputCharacteristic = (nint)(delegate* unmanaged[Cdecl]<OrtCustomOpStruct*, nuint, int>)&GetInputCharacteristicCallback;
        native->GetOutputCharacteristic = (nint)(delegate* unmanaged[Cdecl]<OrtCustomOpStruct*, nuint, int>)&GetOutputCharacteristicCallback;
        native->GetInputMemoryType = (nint)(delegate* unmanaged[Cdecl]<OrtCustomOpStruct*, nuint, int>)&GetInputMemoryTypeCallback;
        native->CreateKernelV2 = (nint)(delegate* unmanaged[Cdecl]<OrtCustomOpStruct*, nint, nint, nint*, nint>)&CreateKernelCallback;
        native->KernelComputeV2 = (nint)(delegate* unmanaged[Cdecl]<nint, nint, nint>)&KernelComputeCallback;
        return handle;
    }

    /// <summary>ONNX element types of the inputs (0 = any type).</summary>
    protected abstract ReadOnlySpan<int> InputTypes { get; }

    /// <summary>Which inputs may be absent.</summary>
    protected abstract ReadOnlySpan<bool> OptionalInputs { get; }

    /// <summary>ONNX element types of the outputs.</summary>
    protected abstract ReadOnlySpan<int> OutputTypes { get; }

    /// <summary>Creates the kernel of one node from its attributes. Called once per node when the session is created.</summary>
    protected abstract OrtKernel CreateKernel(OrtKernelInfo info);

    private static ManagedCustomOp Owner(OrtCustomOpStruct* op) => (ManagedCustomOp)GCHandle.FromIntPtr(op->Owner).Target!;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nint GetNameCallback(OrtCustomOpStruct* op) => op->Name;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nint GetProviderCallback(OrtCustomOpStruct* op) => op->ExecutionProvider; // 0: CPU execution provider

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int GetInputTypeCallback(OrtCustomOpStruct* op, nuint index) => Owner(op).InputTypes[(int)index];

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nuint GetInputCountCallback(OrtCustomOpStruct* op) => (nuint)Owner(op).InputTypes.Length;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int GetOutputTypeCallback(OrtCustomOpStruct* op, nuint index) => Owner(op).OutputTypes[(int)index];

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nuint GetOutputCountCallback(OrtCustomOpStruct* op) => (nuint)Owner(op).OutputTypes.Length;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int GetInputCharacteristicCallback(OrtCustomOpStruct* op, nuint index) => Owner(op).OptionalInputs[(int)index] ? 1 : 0;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int GetOutputCharacteristicCallback(OrtCustomOpStruct* op, nuint index) => 0; // required

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int GetInputMemoryTypeCallback(OrtCustomOpStruct* op, nuint index) => 0; // default device

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nint CreateKernelCallback(OrtCustomOpStruct* op, nint api, nint info, nint* kernel)
    {
        *kernel = 0;
        var owner = Owner(op);
        var kernelInfo = new OrtKernelInfo(info);
        try
        {
            *kernel = GCHandle.ToIntPtr(GCHandle.Alloc(owner.CreateKernel(kernelInfo)));
            return 0;
        }
#pragma warning disable CA1031 // Nothing may cross into native code: report it as ORT's error.
        catch (Exception error)
#pragma warning restore CA1031
        {
            return OrtApiTable.CreateError($"ai.sieve::{owner.Name} node '{kernelInfo.SafeNodeName()}' could not be created: {error.Message}");
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nint KernelComputeCallback(nint kernel, nint context)
    {
        var target = (OrtKernel)GCHandle.FromIntPtr(kernel).Target!;
        try
        {
            var kernelContext = new OrtKernelContext(context);
            using var loops = Kernels.ParallelWork.Use(new OrtIntraOpRunner(kernelContext));
            target.Compute(kernelContext);
            return 0;
        }
#pragma warning disable CA1031 // Nothing may cross into native code: report it as ORT's error.
        catch (Exception error)
#pragma warning restore CA1031
        {
            return OrtApiTable.CreateError($"{target.Description}: {error.GetType().Name}: {error.Message}");
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void KernelDestroyCallback(nint kernel)
    {
        if (kernel != 0)
        {
            GCHandle.FromIntPtr(kernel).Free();
        }
    }
}
