using System.Globalization;
using Sieve.Host.Onnx.Passes.Attention;
using Sieve.Plugins.Attention;
using Sieve.Tools.Models;

namespace Sieve.Tools.Profile;

/// <summary>
/// <c>sieve profile</c>: runs a causal LM over calibration text with <see cref="AttentionProfiler"/> in every attention
/// node (dense attention, exact outputs), then plans layer reuse from what it measured: each layer's sensitivity, the
/// overlap of the block sets between layers, <see cref="LayerReusePlanner"/>'s plan.
/// </summary>
internal static class LayerProfiling
{
    public static LayerReusePolicy Run(ProfileRequest request, TextWriter log)
    {
        if (!File.Exists(request.DataPath))
        {
            throw new SieveException($"--data {request.DataPath}: file not found.");
        }
        var profiler = new AttentionProfiler(request.Attention, request.SampleEvery, request.Coverage);
        var pass = new AttentionPass(profiler, "attention/profile", gpu: null);
        using var session = Models.PassSession.Create(request.ModelPath, pass, "sieve profile MODEL");
        var (windows, tokens) = LmWindows.Run(session, request.ModelPath, request.TokenizerPath, request.DataPath, request.Windows * request.Context,
            request.Context, "sieve profile (tokenizer_config.json)", wholeWindowsOnly: true);
        var layers = profiler.Shapes.Count;
        if (layers == 0)
        {
            throw new SieveException($"{request.ModelPath}: no attention node found to profile.");
        }
        var profiles = Enumerable.Range(0, layers).Select(l => profiler.Layers.GetValueOrDefault(l) ?? new LayerProfile()).ToArray();
        var samples = profiles[0].Samples.Count;
        if (samples == 0)
        {
            throw new SieveException($"No query of {request.DataPath} saw more than {request.Attention.TopKBlocks} blocks of {request.Attention.BlockSize} keys " +
                $"(windows of {request.Context} tokens): nothing to choose, nothing to profile. Raise --context or lower --top-k.");
        }
        var sensitivity = profiles.Select(p => p.Sensitivity).ToArray();
        var overlap = new double[layers, layers];
        for (var i = 0; i < layers; i++)
        {
            overlap[i, i] = 1;
            for (var j = i + 1; j < layers; j++)
            {
                overlap[i, j] = profiles[i].Overlap(profiles[j]);
            }
        }
        var plans = LayerReusePlanner.Plan(overlap, sensitivity, request.DenseLayers, request.ComputeBudget);
        var (worst, sum) = LayerReusePlanner.Score(overlap, plans);
        var sizes = profiler.LastCall!.Value;
        var policy = new LayerReusePolicy
        {
            Model = new PolicyModel(request.ModelName, layers, sizes.QueryHeads, sizes.KeyValueHeads, sizes.HeadSize),
            Profile = new PolicyProfile(Path.GetFileName(request.DataPath), windows, request.Context, samples, request.Attention.BlockSize,
                request.Attention.TopKBlocks, request.Attention.WindowBlocks, request.Coverage, request.DenseLayers, request.ComputeBudget,
                Math.Round(worst, 4), Math.Round(sum, 4), DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            Layers = plans,
            Overlap = [.. Enumerable.Range(0, layers).Select(i => (IReadOnlyList<double>)[.. Enumerable.Range(0, layers).Select(j => Math.Round(overlap[i, j], 4))])],
        };
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"profiled {tokens:N0} tokens ({windows} windows of {request.Context}), {samples:N0} sampled (query, key/value head) pairs per layer"));
        log.Write(Describe(policy));
        return policy;
    }

    /// <summary>The plan as a table: per layer its mode, source, sensitivity and the overlap with its source.</summary>
    public static string Describe(LayerReusePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var text = new System.Text.StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"layer  mode     source  sensitivity ({policy.Profile.Coverage:P0} of the mass)  overlap with source");
        foreach (var plan in policy.Layers)
        {
            var overlap = plan.Source is { } source ? policy.Overlap[source][plan.Layer].ToString("F3", CultureInfo.InvariantCulture) : "";
            text.AppendLine(CultureInfo.InvariantCulture, $"{plan.Layer,5}  {plan.Mode,-7}  {plan.Source?.ToString(CultureInfo.InvariantCulture) ?? "",6}  {plan.Sensitivity,35:F3}  {overlap,19}");
        }
        text.AppendLine(CultureInfo.InvariantCulture, $"worst overlap along the path {policy.Profile.WorstOverlap:F3}, sum {policy.Profile.SumOverlap:F3}");
        return text.ToString();
    }
}
