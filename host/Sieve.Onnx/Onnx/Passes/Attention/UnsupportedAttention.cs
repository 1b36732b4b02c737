namespace Sieve.Host.Onnx.Passes.Attention;

/// <summary>An attention node the rewriter found but cannot replace, and why.</summary>
internal sealed record UnsupportedAttention(string Node, string Reason)
{
    public override string ToString() => $"{Node}: {Reason}";
}
