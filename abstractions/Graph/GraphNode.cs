namespace Sieve.Abstractions;

/// <summary>One node of an <see cref="IModelGraph"/>, or one a pass creates. Immutable.</summary>
/// <param name="Name">The node's name (may be empty in models that leave it out).</param>
/// <param name="OpType">The operator, e.g. <c>MatMul</c>.</param>
/// <param name="Domain">The operator's domain: <c>""</c> for ONNX, <see cref="SieveDomain"/> for Sieve's custom operators.</param>
/// <param name="Inputs">Input tensor names; an empty name is an absent optional input.</param>
/// <param name="Outputs">Output tensor names.</param>
/// <param name="Attributes">Attributes by name.</param>
public sealed record GraphNode(
    string Name,
    string OpType,
    string Domain,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    IReadOnlyDictionary<string, NodeAttributeValue> Attributes)
{
    /// <summary>The domain of the custom operators that passes declare (<see cref="IGraphPass.Operators"/>).</summary>
    public const string SieveDomain = "ai.sieve";

    /// <summary>The node as messages name it: <c>domain::OpType 'name'</c>.</summary>
    public override string ToString() => $"{(Domain.Length > 0 ? Domain + "::" : "")}{OpType} '{Name}'";
}
