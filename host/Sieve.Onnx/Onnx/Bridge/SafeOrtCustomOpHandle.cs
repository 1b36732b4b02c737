using System.Runtime.InteropServices;
using System.Text;

namespace Sieve.Host.Onnx.Bridge;

/// <summary>
/// The native side of one <see cref="ManagedCustomOp"/> in one domain: a single block of native memory holding the
/// <c>OrtCustomOp</c> struct ORT calls, the op's UTF-8 name and provider, and (in the struct) the GC handle through which
/// the callbacks find the op. Released, it frees the GC handle, then the block.
/// </summary>
/// <remarks>
/// The GC handle roots the op, so the op must never hold this handle: were it to, neither could become unreachable and a
/// forgotten <c>Dispose</c> would leak both. The domain holds it instead (<see cref="SafeOrtCustomOpDomainHandle.Add"/>);
/// once the domain's owner is unreachable, the finalizers free the block and the GC handle, and the op is collected.
/// </remarks>
internal sealed unsafe class SafeOrtCustomOpHandle : SafeOrtHandle
{
    private SafeOrtCustomOpHandle(bool keptForProcess)
        : base(keptForProcess)
    {
    }

    /// <summary>The struct; valid until the handle is released. Its callbacks are zero until the op fills them in.</summary>
    public OrtCustomOpStruct* Struct => (OrtCustomOpStruct*)handle;

    /// <summary>
    /// Allocates the block for <paramref name="op"/>: the struct (zeroed, with <see cref="OrtApiTable.ApiVersion"/>),
    /// the strings, and a GC handle to the op.
    /// </summary>
    /// <param name="op">The op the callbacks will find.</param>
    /// <param name="provider">The execution provider (<c>CUDAExecutionProvider</c>), or null for the CPU provider.</param>
    /// <param name="keptForProcess">Never release it (see <see cref="SafeOrtHandle.KeptForProcess"/>).</param>
    public static SafeOrtCustomOpHandle Allocate(ManagedCustomOp op, string? provider, bool keptForProcess)
    {
        ArgumentNullException.ThrowIfNull(op);
        var name = Encoding.UTF8.GetBytes(op.Name + "\0");
        var providerName = provider is null ? [] : Encoding.UTF8.GetBytes(provider + "\0");
        var handle = new SafeOrtCustomOpHandle(keptForProcess);
        var size = sizeof(OrtCustomOpStruct) + name.Length + providerName.Length;
        var native = (OrtCustomOpStruct*)NativeMemory.AllocZeroed((nuint)size);
        handle.SetHandle((nint)native);

        var strings = new Span<byte>(native + 1, name.Length + providerName.Length);
        name.CopyTo(strings);
        providerName.CopyTo(strings[name.Length..]);
        native->Version = OrtApiTable.ApiVersion;
        native->Name = (nint)(native + 1);
        native->ExecutionProvider = provider is null ? 0 : (nint)((byte*)(native + 1) + name.Length);
        native->Owner = GCHandle.ToIntPtr(GCHandle.Alloc(op));
        return handle;
    }

    protected override void Release(nint handle)
    {
        var native = (OrtCustomOpStruct*)handle;
        if (native->Owner != 0) // zero only if GCHandle.Alloc failed in Allocate
        {
            GCHandle.FromIntPtr(native->Owner).Free();
        }
        NativeMemory.Free(native);
    }
}
