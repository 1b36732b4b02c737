using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace Sieve.Host.Onnx.Bridge;

/// <summary>
/// The <c>ai.sieve</c> custom-op domain of one session: created with its ops, added to the session options, and
/// released (with the ops) only after the session is disposed. ORT requires the domain and the op structs to outlive
/// every session that uses them; the owner of the session owns this object and disposes it second.
/// </summary>
internal sealed unsafe class CustomOpDomain : IDisposable
{
    public const string Name = Sieve.Abstractions.GraphNode.SieveDomain;

    private readonly nint _domain;
    private readonly List<ManagedCustomOp> _ops;
    private bool _disposed;

    public CustomOpDomain(IEnumerable<ManagedCustomOp> ops)
    {
        _ops = ops.ToList();
        ref readonly var api = ref OrtApiTable.Api;
        var name = Marshal.StringToCoTaskMemUTF8(Name);
        nint domain;
        try
        {
            OrtApiTable.Check(((delegate* unmanaged[Cdecl]<nint, nint*, nint>)api.CreateCustomOpDomain)(name, &domain), "CreateCustomOpDomain");
        }
        finally
        {
            Marshal.FreeCoTaskMem(name);
        }
        _domain = domain;
        foreach (var op in _ops)
        {
            OrtApiTable.Check(((delegate* unmanaged[Cdecl]<nint, nint, nint>)api.CustomOpDomain_Add)(_domain, op.NativeStruct), $"CustomOpDomain_Add({op.Name})");
        }
    }

    /// <summary>Makes the domain's ops available to sessions created with <paramref name="options"/>.</summary>
    public void AddTo(SessionOptions options)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        OrtApiTable.Check(((delegate* unmanaged[Cdecl]<nint, nint, nint>)OrtApiTable.Api.AddCustomOpDomain)(options.DangerousGetHandle(), _domain), "AddCustomOpDomain");
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (_ops.Any(op => op.KeptForProcess))
        {
            // See ManagedCustomOp.Dispose: the CUDA provider's ops (and so their domain) outlive the session.
            return;
        }
        ((delegate* unmanaged[Cdecl]<nint, void>)OrtApiTable.Api.ReleaseCustomOpDomain)(_domain);
        foreach (var op in _ops)
        {
            op.Dispose();
        }
    }
}
