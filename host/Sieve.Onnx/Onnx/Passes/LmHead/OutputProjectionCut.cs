using Sieve.Abstractions;
using Sieve.Host.Onnx.Graph;
using Sieve.Host.Onnx.Proto;

namespace Sieve.Host.Onnx.Passes.LmHead;

/// <summary>
/// Removes a causal LM's output projection for an <see cref="ILmHead"/> that reads the hidden state: the MatMul that
/// makes the graph output <c>logits</c> from the last hidden state h and a constant W goes, and h becomes the graph output
/// <see cref="HiddenStateOutput"/> [batch, seq, hidden]. W may be an initializer [hidden, vocab], or the transpose
/// (perm 1,0) of one [vocab, hidden], which is how a tied embedding is exported (tools/train-lm/export.py); after the cut
/// <see cref="Embedding"/> holds it as rows [vocab, hidden]. Runs after the in-graph passes, on the protobuf. One use per load.
/// </summary>
internal sealed class OutputProjectionCut
{
    public const string LogitsOutput = "logits";
    public const string HiddenStateOutput = "hidden_states";

    /// <summary>The output embedding the cut took out of the graph; set by <see cref="Apply"/>.</summary>
    public OutputEmbedding? Embedding { get; private set; }

    /// <summary>What the cut did, for the operator summary.</summary>
    public string Summary { get; private set; } = "";

    /// <exception cref="SieveException">The model has no logits output made by a MatMul with a constant projection.</exception>
    public void Apply(OnnxModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var model = graph.Model;
        var where = $"Model {graph.ModelPath}: the lm-head slot reads the hidden state, so the model's output projection is cut, but";
        var output = model.Graph.Output.FirstOrDefault(o => o.Name == LogitsOutput)
            ?? throw new SieveException($"{where} it has no output named {LogitsOutput}.");
        var matMul = model.Graph.Node.FirstOrDefault(n => n.Output.Contains(LogitsOutput));
        if (matMul is not { OpType: "MatMul", Domain: "" } || matMul.Input.Count != 2)
        {
            throw new SieveException($"{where} its {LogitsOutput} come from {(matMul is null ? "no node" : $"{matMul.OpType} node '{matMul.Name}'")}, not a MatMul.");
        }
        var (rows, vocabulary, hidden, feeding) = Projection(graph, matMul.Input[1])
            ?? throw new SieveException($"{where} the second input of MatMul '{matMul.Name}' ({matMul.Input[1]}) is neither a constant [hidden, vocab] float matrix nor the transpose of one [vocab, hidden].");
        var hiddenState = matMul.Input[0];
        var index = model.Graph.Node.IndexOf(matMul);
        model.Graph.Node.RemoveAt(index);
        // A stable name for the new output, whatever the exporter called h.
        model.Graph.Node.Insert(index, new NodeProto { Name = "sieve_lm_head_cut", OpType = "Identity", Input = { hiddenState }, Output = { HiddenStateOutput } });
        // The Transpose and Cast in front of W go too when nothing else reads them (a tied embedding's Cast stays for its Gather).
        foreach (var node in feeding)
        {
            if (!model.Graph.Node.Any(n => n.Input.Contains(node.Output[0])))
            {
                model.Graph.Node.Remove(node);
            }
        }
        var cut = output.Clone();
        cut.Name = HiddenStateOutput;
        var dims = cut.Type?.TensorType?.Shape?.Dim;
        if (dims is { Count: > 0 })
        {
            dims[^1] = new TensorShapeProto.Types.Dimension { DimValue = hidden };
        }
        model.Graph.Output[model.Graph.Output.IndexOf(output)] = cut;
        graph.Model = model;
        Embedding = new OutputEmbedding(rows, vocabulary, hidden, graph.ModelPath);
        Summary = $"lm-head cut at MatMul '{matMul.Name}' ([{vocabulary}, {hidden}] projection)";
    }

    /// <summary>W as rows [vocab, hidden], its sizes, and the nodes in front of it (Transpose, Cast) that may go with the MatMul.</summary>
    private static (float[] Rows, int Vocabulary, int Hidden, List<NodeProto> Feeding)? Projection(OnnxModelGraph graph, string tensor)
    {
        var feeding = new List<NodeProto>();
        if (Constant(graph, tensor, feeding) is { } matrix)
        {
            // [hidden, vocab]: transpose into rows.
            var (hidden, vocabulary) = ((int)matrix.Shape[0], (int)matrix.Shape[1]);
            var values = matrix.ToFloats();
            var rows = new float[values.Length];
            for (var h = 0; h < hidden; h++)
            {
                for (var v = 0; v < vocabulary; v++)
                {
                    rows[v * hidden + h] = values[h * vocabulary + v];
                }
            }
            return (rows, vocabulary, hidden, feeding);
        }
        var transpose = graph.Model.Graph.Node.FirstOrDefault(n => n.Output.Contains(tensor));
        if (transpose is not { OpType: "Transpose", Domain: "" })
        {
            return null;
        }
        var perm = transpose.Attribute.FirstOrDefault(a => a.Name == "perm")?.Ints;
        if (perm is not null && !(perm.Count == 2 && perm[0] == 1 && perm[1] == 0))
        {
            return null;
        }
        feeding.Add(transpose);
        return Constant(graph, transpose.Input[0], feeding) is { } embedding
            ? (embedding.ToFloats(), (int)embedding.Shape[0], (int)embedding.Shape[1], feeding)
            : null;
    }

    /// <summary>A 2-D float or fp16 constant named <paramref name="tensor"/>, directly or through a Cast to float.</summary>
    private static GraphConstant? Constant(OnnxModelGraph graph, string tensor, List<NodeProto> feeding)
    {
        if (graph.TryGetConstant(tensor, out var constant))
        {
            return constant.Shape.Rank == 2 && constant.ElementType is TensorElementType.Float32 or TensorElementType.Float16 ? constant : null;
        }
        var cast = graph.Model.Graph.Node.FirstOrDefault(n => n.Output.Contains(tensor));
        if (cast is not { OpType: "Cast", Domain: "" } || cast.Attribute.FirstOrDefault(a => a.Name == "to")?.I != (long)TensorProto.Types.DataType.Float)
        {
            return null;
        }
        feeding.Add(cast);
        return graph.TryGetConstant(cast.Input[0], out constant) && constant.Shape.Rank == 2
            && constant.ElementType is TensorElementType.Float32 or TensorElementType.Float16 ? constant : null;
    }
}
