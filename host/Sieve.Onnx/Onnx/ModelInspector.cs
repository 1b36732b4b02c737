using System.Text;
using Sieve.Host.Onnx.Proto;

namespace Sieve.Host.Onnx;

/// <summary>Describes a model for <c>sieve inspect</c>: inputs, outputs, opsets, parameters and node counts.</summary>
internal static class ModelInspector
{
    public static string Describe(string path, ModelProto model)
    {
        var graph = model.Graph;
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var text = new StringBuilder();
        text.AppendLine($"Model: {path}");
        text.AppendLine($"Producer: {model.ProducerName} {model.ProducerVersion}".TrimEnd());
        text.AppendLine($"IR version: {model.IrVersion}");
        text.AppendLine("Opsets: " + string.Join(", ", model.OpsetImport.Select(o => $"{(o.Domain.Length == 0 ? "ai.onnx" : o.Domain)} {o.Version}")));
        text.AppendLine("Inputs:");
        foreach (var input in graph.Input.Where(i => !initializers.Contains(i.Name)))
        {
            text.AppendLine($"  {input.Name}: {Describe(input.Type)}");
        }
        text.AppendLine("Outputs:");
        foreach (var output in graph.Output)
        {
            text.AppendLine($"  {output.Name}: {Describe(output.Type)}");
        }
        var parameters = graph.Initializer.Sum(i => i.Dims.Aggregate(1L, (a, d) => a * d));
        text.AppendLine($"Initializers: {graph.Initializer.Count} ({parameters:N0} parameters)");
        text.AppendLine($"Nodes: {graph.Node.Count}");
        foreach (var group in graph.Node.GroupBy(n => (n.Domain, n.OpType)).OrderByDescending(g => g.Count()).ThenBy(g => g.Key.OpType, StringComparer.Ordinal))
        {
            var domain = group.Key.Domain.Length == 0 ? "" : group.Key.Domain + "::";
            text.AppendLine($"  {domain}{group.Key.OpType}: {group.Count()}");
        }
        return text.ToString();
    }

    private static string Describe(TypeProto? type)
    {
        if (type?.TensorType is not { } tensor)
        {
            return "(not a tensor)";
        }
        var element = ((TensorProto.Types.DataType)tensor.ElemType).ToString().ToLowerInvariant();
        var dims = tensor.Shape?.Dim.Select(d => d.HasDimValue ? d.DimValue.ToString() : d.HasDimParam ? d.DimParam : "?") ?? [];
        return $"{element} [{string.Join(", ", dims)}]";
    }
}
