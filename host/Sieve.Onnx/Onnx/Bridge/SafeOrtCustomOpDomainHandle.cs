using System.Text;
using Microsoft.ML.OnnxRuntime;

namespace Sieve.Host.Onnx.Bridge;

/// <summary>
/// An <c>OrtCustomOpDomain*</c> (<c>CreateCustomOpDomain</c>), released with <c>ReleaseCustomOpDomain</c>. The domain
/// holds the handle of every op added to it, because ORT's domain points at their structs: an op is freed only after its
/// domain.
/// </summary>
internal sealed unsafe class SafeOrtCustomOpDomainHandle : SafeOrtHandle
{
    private SafeOrtCustomOpDomainHandle(bool keptForProcess)
        : base(keptForProcess)
    {
    }

    /// <summary>Creates an empty domain called <paramref name="name"/>.</summary>
    /// <param name="name">The domain, e.g. <c>ai.sieve</c>.</param>
    /// <param name="keptForProcess">Never release it (see <see cref="SafeOrtHandle.KeptForProcess"/>).</param>
    /// <exception cref="OrtBridgeException">ORT refused.</exception>
    public static SafeOrtCustomOpDomainHandle Create(string name, bool keptForProcess)
    {
        // The handle exists before the domain does, so a created domain always has an owner.
        var domain = new SafeOrtCustomOpDomainHandle(keptForProcess);
        try
        {
            nint created = 0;
            nint status;
            fixed (byte* text = Encoding.UTF8.GetBytes(name + "\0"))
            {
                status = ((delegate* unmanaged[Cdecl]<byte*, nint*, nint>)OrtApiTable.Api.CreateCustomOpDomain)(text, &created);
            }
            domain.SetHandle(created);
            OrtApiTable.Check(status, "CreateCustomOpDomain");
            return domain;
        }
        catch
        {
            domain.Dispose();
            throw;
        }
    }

    /// <summary>Adds <paramref name="op"/> to the domain, which holds it from now on.</summary>
    /// <param name="op">The op's native struct.</param>
    /// <param name="name">The op's type, for the message.</param>
    /// <exception cref="ObjectDisposedException">The domain or the op is disposed.</exception>
    /// <exception cref="OrtBridgeException">ORT refused.</exception>
    public void Add(SafeOrtCustomOpHandle op, string name)
    {
        ArgumentNullException.ThrowIfNull(op);
        var added = false;
        DangerousAddRef(ref added);
        try
        {
            // Held before ORT gets the pointer: from then on the op must not go before the domain.
            Hold(op);
            OrtApiTable.Check(((delegate* unmanaged[Cdecl]<nint, nint, nint>)OrtApiTable.Api.CustomOpDomain_Add)(handle, (nint)op.Struct),
                $"CustomOpDomain_Add({name})");
        }
        finally
        {
            DangerousRelease();
        }
    }

    /// <summary>Makes the domain's ops available to sessions created with <paramref name="options"/>.</summary>
    /// <exception cref="ObjectDisposedException">The domain is disposed.</exception>
    /// <exception cref="OrtBridgeException">ORT refused.</exception>
    public void AddTo(SessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var added = false;
        DangerousAddRef(ref added);
        try
        {
            OrtApiTable.Check(((delegate* unmanaged[Cdecl]<nint, nint, nint>)OrtApiTable.Api.AddCustomOpDomain)(options.DangerousGetHandle(), handle),
                "AddCustomOpDomain");
        }
        finally
        {
            DangerousRelease();
        }
    }

    protected override void Release(nint handle) =>
        ((delegate* unmanaged[Cdecl]<nint, void>)OrtApiTable.Api.ReleaseCustomOpDomain)(handle);
}
