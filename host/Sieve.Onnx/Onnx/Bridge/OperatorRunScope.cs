using Sieve.Abstractions;

namespace Sieve.Host.Onnx.Bridge;

/// <summary>
/// Hands the run-scoped <see cref="OperatorRunContext"/> to the custom operators of a session. ORT's sequential executor
/// runs a graph's nodes on the thread that called Run, so the host sets the context there for the duration of one run;
/// a kernel called elsewhere gets a fresh context (no cross-layer state, still correct).
/// </summary>
internal static class OperatorRunScope
{
    [ThreadStatic]
    private static OperatorRunContext? _current;

    public static OperatorRunContext Current => _current ?? new OperatorRunContext(DeviceKind.Cpu);

    /// <summary>Makes <paramref name="context"/> current on this thread until the result is disposed.</summary>
    public static Scope Begin(OperatorRunContext context)
    {
        var previous = _current;
        _current = context;
        return new Scope(previous);
    }

    public readonly struct Scope(OperatorRunContext? previous) : IDisposable
    {
        public void Dispose() => _current = previous;
    }
}
