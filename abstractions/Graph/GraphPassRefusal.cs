namespace Sieve.Abstractions;

/// <summary>A node a pass found but cannot replace.</summary>
/// <param name="Node">The node, as messages name it.</param>
/// <param name="Reason">Why.</param>
public sealed record GraphPassRefusal(string Node, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Node}: {Reason}";
}
