using Sieve.Abstractions;

namespace Sieve.Tools.Quantize;

/// <summary>Which nodes <c>sieve quantize</c> takes: MatMul(X, W) and Gemm(A, B, C) (transA = 0) with a constant float matrix.</summary>
internal static class QuantizableWeights
{
    /// <summary>The node's weight, or null when the node is not one <c>sieve quantize</c> takes.</summary>
    public static GraphConstant? WeightOf(IModelGraph graph, GraphNode node)
    {
        if (node.Domain.Length > 0 || node.Inputs.Count < 2 || node.OpType is not ("MatMul" or "Gemm"))
        {
            return null;
        }
        if (node.OpType == "Gemm" && node.Attributes.TryGetValue("transA", out var transA) && transA.AsInt != 0)
        {
            return null;
        }
        return graph.TryGetConstant(node.Inputs[1], out var weight) && weight.ElementType == TensorElementType.Float32 && weight.Shape.Rank == 2
            ? weight : null;
    }
}
