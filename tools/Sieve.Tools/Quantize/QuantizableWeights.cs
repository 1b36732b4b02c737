using Sieve.Abstractions;

namespace Sieve.Tools.Quantize;

/// <summary>
/// Which nodes <c>sieve quantize</c> takes: MatMul(X, W) and Gemm(A, B, C) (transA = 0) whose W is a constant float32
/// matrix, or the float32 Cast of a constant float16 matrix (how models stored in half precision keep their weights).
/// </summary>
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
        if (graph.TryGetConstant(node.Inputs[1], out var weight))
        {
            return weight.ElementType == TensorElementType.Float32 && weight.Shape.Rank == 2 ? weight : null;
        }
        return CastOf(graph, node.Inputs[1]) is { } cast && graph.TryGetConstant(cast.Inputs[0], out var half)
            && half.ElementType is TensorElementType.Float16 or TensorElementType.Float32 && half.Shape.Rank == 2 ? half : null;
    }

    /// <summary>The Cast to float32 that produces <paramref name="tensor"/>, if one does.</summary>
    public static GraphNode? CastOf(IModelGraph graph, string tensor) =>
        graph.Producer(tensor) is { OpType: "Cast", Domain: "" } cast && cast.Attributes.TryGetValue("to", out var to) && to.AsInt == 1 ? cast : null;
}
