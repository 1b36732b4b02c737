using Microsoft.ML.OnnxRuntime;

namespace Sieve.Host.Onnx.Bridge;

/// <summary>
/// The <c>ai.sieve</c> custom-op domain of one session: created with its ops, added to the session options, and
/// released (then the ops) only after the session is disposed. ORT requires the domain and the op structs to outlive
/// every session that uses them; the owner of the session owns this object and disposes it second.
/// </summary>
/// <remarks>
/// Everything native is held by safe handles: the domain's handle holds its ops' handles, so the ops go after the
/// domain whatever the order of disposal or finalization. If the owner forgets to dispose, the finalizers release them
/// once the owner is unreachable; the session's finalizer (a normal one) runs before theirs (critical ones) when the
/// session becomes unreachable in the same collection, so ORT is done with the structs before they are freed.
/// A domain with an op of the CUDA provider is <see cref="KeptForProcess"/>, whole.
/// </remarks>
internal sealed class CustomOpDomain : IDisposable
{
    public const string Name = Sieve.Abstractions.GraphNode.SieveDomain;

    private readonly SafeOrtCustomOpDomainHandle _domain;
    private readonly List<SafeOrtCustomOpHandle> _ops = [];

    /// <exception cref="OrtBridgeException">ORT refused the domain or an op; nothing is left allocated but what is kept.</exception>
    public CustomOpDomain(IEnumerable<ManagedCustomOp> ops)
    {
        ArgumentNullException.ThrowIfNull(ops);
        var list = ops.ToList();
        KeptForProcess = list.Exists(op => op.KeptForProcess);
        _domain = SafeOrtCustomOpDomainHandle.Create(Name, KeptForProcess);
        try
        {
            foreach (var op in list)
            {
                var native = op.CreateNative(KeptForProcess);
                _ops.Add(native);
                _domain.Add(native, op.Name);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether the domain and all its ops are never freed, because one of its ops runs on the CUDA provider: a process
    /// that had created and disposed several CUDA sessions with freed ops crashed at exit (docs/cuda.md). Dispose then
    /// only refuses further use.
    /// </summary>
    public bool KeptForProcess { get; }

    /// <summary>Makes the domain's ops available to sessions created with <paramref name="options"/>.</summary>
    /// <exception cref="ObjectDisposedException">The domain is disposed.</exception>
    public void AddTo(SessionOptions options) => _domain.AddTo(options);

    /// <summary>Releases the domain, then its ops. Call only after every session that uses them is disposed.</summary>
    public void Dispose()
    {
        _domain.Dispose();
        foreach (var op in _ops)
        {
            op.Dispose();
        }
    }
}
