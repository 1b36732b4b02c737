using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Sieve.Host.Onnx.Bridge;

/// <summary>
/// A custom operator of ONNX Runtime implemented in C#. The native <c>OrtCustomOp</c> struct and the name strings live
/// in native memory owned by this object; its callbacks are static <see cref="UnmanagedCallersOnlyAttribute"/>
/// methods that find this object through a GC handle stored after the struct. Every callback catches every
/// exception and returns an ORT status naming the operator and node. Dispose only after every session that uses it.
/// </summary>
internal abstract unsafe class ManagedCustomOp : IDisposable
{
    private readonly OrtCustomOpStruct* _native;
    private readonly nint _name;
    private readonly nint _provider;
    private GCHandle _self;

    /// <param name="name">The operator type.</param>
    /// <param name="provider">The execution provider whose memory the kernel works on (<c>CUDAExecutionProvider</c>), or
    /// null for the CPU provider.</param>
    protected ManagedCustomOp(string name, string? provider = null)
    {
        Name = name;
        _name = Marshal.StringToCoTaskMemUTF8(name);
        _provider = provider is null ? 0 : ProviderName(provider);
        _self = GCHandle.Alloc(this);
        _native = (OrtCustomOpStruct*)NativeMemory.AllocZeroed((nuint)sizeof(OrtCustomOpStruct));
        _native->Version = OrtApiTable.ApiVersion;
        _native->GetName = (nint)(delegate* unmanaged[Cdecl]<OrtCustomOpStruct*, nint>)&GetNameCallback;
        _native->GetExecutionProviderType = (nint)(delegate* unmanaged[Cdecl]<OrtCustomOpStruct*, nint>)&GetProviderCallback;
        _native->GetInputType = (nint)(delegate* unmanaged[Cdecl]<OrtCustomOpStruct*, nuint, int>)&GetInputTypeCallback;
        _native->GetInputTypeCount = (nint)(delegate* unmanaged[Cdecl]<OrtCustomOpStruct*, nuint>)&GetInputCountCallback;
        _native->GetOutputType = (nint)(delegate* unmanaged[Cdecl]<OrtCustomOpStruct*, nuint, int>)&GetOutputTypeCallback;
        _native->GetOutputTypeCount = (nint)(delegate* unmanaged[Cdecl]<OrtCustomOpStruct*, nuint>)&GetOutputCountCallback;
        _native->KernelDestroy = (nint)(delegate* unmanaged[Cdecl]<nint, void>)&KernelDestroyCallback;
        _native->GetInputCharacteristic = (nint)(delegate* unmanaged[Cdecl]<OrtCustomOpStruct*, nuint, int>)&GetInputCharacteristicCallback;
        _native->GetOutputCharacteristic = (nint)(delegate* unmanaged[Cdecl]<OrtCustomOpStruct*, nuint, int>)&GetOutputCharacteristicCallback;
        _native->GetInputMemoryType = (nint)(delegate* unmanaged[Cdecl]<OrtCustomOpStruct*, nuint, int>)&GetInputMemoryTypeCallback;
        _native->CreateKernelV2 = (nint)(delegate* unmanaged[Cdecl]<OrtCustomOpStruct*, nint, nint, nint*, nint>)&CreateKernelCallback;
        _native->KernelComputeV2 = (nint)(delegate* unmanaged[Cdecl]<nint, nint, nint>)&KernelComputeCallback;
        _native->Owner = GCHandle.ToIntPtr(_self);
    }

    /// <summary>The operator type in the graph (<c>ai.sieve::Name</c>).</summary>
    public string Name { get; }

    /// <summary>Whether the op is never freed (ops of a GPU provider; see <see cref="Dispose"/>).</summary>
    public bool KeptForProcess => _provider != 0;

    /// <summary>The native struct, for <c>CustomOpDomain_Add</c>.</summary>
    public nint NativeStruct => (nint)_native;

    /// <summary>ONNX element types of the inputs (0 = any type).</summary>
    protected abstract ReadOnlySpan<int> InputTypes { get; }

    /// <summary>Which inputs may be absent.</summary>
    protected abstract ReadOnlySpan<bool> OptionalInputs { get; }

    /// <summary>ONNX element types of the outputs.</summary>
    protected abstract ReadOnlySpan<int> OutputTypes { get; }

    /// <summary>Creates the kernel of one node from its attributes. Called once per node when the session is created.</summary>
    protected abstract OrtKernel CreateKernel(OrtKernelInfo info);

    public void Dispose()
    {
        if (_provider != 0)
        {
            // Ops of the CUDA provider are kept for the process's life: a process that had created and disposed several
            // CUDA sessions with these ops crashed at exit (H100, ORT 1.31; docs/cuda.md); keeping them is one of the two
            // changes made for it. A few hundred bytes per model load.
            return;
        }
        if (_self.IsAllocated)
        {
            _self.Free();
            NativeMemory.Free(_native);
            Marshal.FreeCoTaskMem(_name);
        }
        GC.SuppressFinalize(this);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, nint> ProviderNames = new(StringComparer.Ordinal);

    /// <summary>The provider's name as a native string that lives as long as the process (as the op itself, see Dispose).</summary>
    private static nint ProviderName(string provider) => ProviderNames.GetOrAdd(provider, Marshal.StringToCoTaskMemUTF8);

    private static ManagedCustomOp Owner(OrtCustomOpStruct* op) => (ManagedCustomOp)GCHandle.FromIntPtr(op->Owner).Target!;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nint GetNameCallback(OrtCustomOpStruct* op) => Owner(op)._name;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nint GetProviderCallback(OrtCustomOpStruct* op) => Owner(op)._provider; // 0: CPU execution provider

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
