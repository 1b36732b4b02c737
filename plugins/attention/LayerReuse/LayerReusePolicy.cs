using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sieve.Plugins.Attention;

/// <summary>
/// The file <c>sieve profile</c> writes and <c>attention/layer-reuse</c> reads (<c>Options:Policy</c>): per layer dense,
/// compute or reuse, for one model's attention geometry, with what the profile measured (sensitivity, the overlap
/// matrix) and how. Loading checks that the plan is runnable: every layer once in order, each reuse names an earlier
/// computing layer with no computing layer between them.
/// </summary>
public sealed record LayerReusePolicy
{
    public const string CurrentFormat = "sieve-layer-reuse/1";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string Format { get; init; } = CurrentFormat;

    /// <summary>The geometry the plan is for: layer count, heads, head size (a policy for another model is refused).</summary>
    public required PolicyModel Model { get; init; }

    /// <summary>How the profile was made (data, windows, budget), for the record.</summary>
    public required PolicyProfile Profile { get; init; }

    public required IReadOnlyList<LayerPlan> Layers { get; init; }

    /// <summary>overlap[i][j], i &lt; j: the mean share of layer j's top blocks that layer i's top blocks hold.</summary>
    public required IReadOnlyList<IReadOnlyList<double>> Overlap { get; init; }

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Reads and checks a policy file.</summary>
    /// <exception cref="InvalidDataException">The file is not a runnable policy; the message names it and what is wrong.</exception>
    public static LayerReusePolicy Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The layer-reuse policy {path} does not exist (make one with: sieve profile MODEL --data TEXT --out {Path.GetFileName(path)}).", path);
        }
        LayerReusePolicy? policy;
        try
        {
            policy = JsonSerializer.Deserialize<LayerReusePolicy>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The layer-reuse policy {path} is not valid JSON at line {(e.LineNumber ?? 0) + 1}: {e.Message}", e);
        }
        if (policy is null)
        {
            throw new InvalidDataException($"The layer-reuse policy {path} is empty.");
        }
        var problem = policy.Problem();
        return problem is null ? policy : throw new InvalidDataException($"The layer-reuse policy {path} {problem}.");
    }

    /// <summary>What makes the plan unrunnable, or null.</summary>
    private string? Problem()
    {
        if (Format != CurrentFormat)
        {
            return $"has format '{Format}', expected '{CurrentFormat}'";
        }
        if (Model.Layers <= 0 || Model.QueryHeads <= 0 || Model.KeyValueHeads <= 0 || Model.HeadSize <= 0 || Model.QueryHeads % Model.KeyValueHeads != 0)
        {
            return $"describes no runnable model ({Model.Layers} layers, {Model.QueryHeads} query heads, {Model.KeyValueHeads} key/value heads of size {Model.HeadSize})";
        }
        if (Layers.Count != Model.Layers)
        {
            return $"plans {Layers.Count} layers for a model of {Model.Layers}";
        }
        int? lastComputing = null;
        for (var i = 0; i < Layers.Count; i++)
        {
            var plan = Layers[i];
            if (plan.Layer != i)
            {
                return $"lists layer {plan.Layer} at position {i} (layers must be listed once each, in order)";
            }
            if (!LayerMode.All.Contains(plan.Mode))
            {
                return $"gives layer {i} mode '{plan.Mode}', not one of {string.Join(", ", LayerMode.All)}";
            }
            if (plan.Mode == LayerMode.Reuse && (plan.Source is null || plan.Source != lastComputing))
            {
                return lastComputing is null
                    ? $"has layer {i} reuse a selection before any layer computes one"
                    : $"has layer {i} reuse layer {plan.Source?.ToString() ?? "(none)"}, but the most recent computing layer before it is {lastComputing}";
            }
            if (plan.Mode == LayerMode.Compute)
            {
                lastComputing = i;
            }
        }
        return null;
    }

    /// <summary>Why a node of this geometry may not run this policy, or null. Sizes of 0 (known only at run time) are not compared.</summary>
    public string? Mismatch(int layer, int layers, int queryHeads, int keyValueHeads, int headSize)
    {
        if (layers > 0 && layers != Model.Layers)
        {
            return $"the policy is for a model of {Model.Layers} attention layers, this one has {layers}";
        }
        if (layer >= Model.Layers)
        {
            return $"the policy plans {Model.Layers} layers, this node is layer {layer}";
        }
        static bool Differs(int actual, int expected) => actual > 0 && actual != expected;
        if (Differs(queryHeads, Model.QueryHeads) || Differs(keyValueHeads, Model.KeyValueHeads) || Differs(headSize, Model.HeadSize))
        {
            return $"the policy is for {Model.QueryHeads} query heads, {Model.KeyValueHeads} key/value heads of size {Model.HeadSize}; " +
                $"layer {layer} has {queryHeads}, {keyValueHeads} of size {headSize}";
        }
        return null;
    }
}

/// <summary>The attention geometry a policy was profiled on.</summary>
public sealed record PolicyModel(string Name, int Layers, int QueryHeads, int KeyValueHeads, int HeadSize);

/// <summary>How a policy was profiled.</summary>
public sealed record PolicyProfile(string Data, int Windows, int Context, int SampledQueries, int BlockSize, int TopKBlocks, int WindowBlocks,
    double Coverage, int DenseLayers, int ComputeBudget, double WorstOverlap, double SumOverlap, string Date);
