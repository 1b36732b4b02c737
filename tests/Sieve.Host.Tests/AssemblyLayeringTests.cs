using System.Reflection;
using System.Runtime.CompilerServices;

namespace Sieve.Host.Tests;

/// <summary>
/// The runtime's assemblies are layers (docs/architecture.md): the contract (Sieve.Abstractions, Sieve.Kernels), the CUDA
/// layer (Sieve.Cuda), the ONNX layer (Sieve.Onnx), the pipelines and jobs (Sieve.Pipelines), the command (sieve). Each
/// references only layers below it, and opens its internals only to layers above it, the tests and the tools, so the
/// split cannot fold back into one assembly unnoticed.
/// </summary>
public class AssemblyLayeringTests
{
    /// <summary>Bottom up; each may reference the ones before it.</summary>
    private static readonly string[] Layers = ["Sieve.Abstractions", "Sieve.Kernels", "Sieve.Cuda", "Sieve.Onnx", "Sieve.Pipelines", "sieve"];

    /// <summary>Not layers of the runtime, but allowed to see every layer's internals.</summary>
    private static readonly string[] Friends = ["Sieve.Host.Tests", "Sieve.Tools"];

    public static TheoryData<string> RuntimeAssemblies => [.. Layers];

    [Theory]
    [MemberData(nameof(RuntimeAssemblies))]
    public void RuntimeAssembly_ReferencesOnlyTheLayersBelowIt(string name)
    {
        var below = Layers.TakeWhile(layer => layer != name).ToHashSet(StringComparer.Ordinal);
        var upward = SieveReferences(name).Where(reference => !below.Contains(reference)).ToList();
        Assert.True(upward.Count == 0, $"{name} references {string.Join(", ", upward)}, which is not a layer below it ({string.Join(", ", below)}).");
    }

    [Theory]
    [MemberData(nameof(RuntimeAssemblies))]
    public void RuntimeAssembly_OpensItsInternalsOnlyToLayersAboveIt(string name)
    {
        var allowed = Layers.SkipWhile(layer => layer != name).Skip(1).Concat(Friends).ToHashSet(StringComparer.Ordinal);
        var granted = Assembly.Load(name).GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName).ToList();
        var downward = granted.Where(friend => !allowed.Contains(friend)).ToList();
        Assert.True(downward.Count == 0, $"{name} opens its internals to {string.Join(", ", downward)}, which is not a layer above it.");
    }

    [Fact]
    public void Command_StandsOnThePipelines_WhichStandOnTheOnnxLayer_WhichStandsOnTheCudaLayer()
    {
        Assert.Contains("Sieve.Pipelines", SieveReferences("sieve"));
        Assert.Contains("Sieve.Onnx", SieveReferences("Sieve.Pipelines"));
        Assert.Contains("Sieve.Cuda", SieveReferences("Sieve.Onnx"));
    }

    [Fact]
    public void OnnxLayer_HoldsNoConfigurationPipelinesJobsOrCommand()
    {
        string[] above = ["Sieve.Host.Configuration", "Sieve.Host.Pipelines", "Sieve.Host.Jobs", "Sieve.Host.Cli"];
        var misplaced = typeof(Sieve.Host.Onnx.ModelSession).Assembly.GetTypes()
            .Where(type => above.Any(ns => type.Namespace?.StartsWith(ns, StringComparison.Ordinal) == true))
            .Select(type => type.FullName)
            .ToList();
        Assert.Empty(misplaced);
    }

    /// <summary>The Sieve assemblies (and plugins, tests or tools, which must never appear) that <paramref name="name"/> references.</summary>
    private static List<string> SieveReferences(string name) =>
        [.. Assembly.Load(name).GetReferencedAssemblies().Select(a => a.Name!).Where(n => n == "sieve" || n.StartsWith("Sieve.", StringComparison.Ordinal))];
}
