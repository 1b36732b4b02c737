using Microsoft.Extensions.Configuration;
using Sieve.Host.Configuration;
using Sieve.Host.Operators;
using Sieve.Host.Plugins;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests;

public class OperatorBinderTests
{
    private static List<string> Check(Dictionary<string, string?> settings, params string[] plugins)
    {
        using var folder = new TempFolder();
        var catalog = new PluginCatalog(PluginFolder.Create(folder.File("plugins"), plugins));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = configuration.GetSection(SieveOptions.SectionName).Get<SieveOptions>(o => o.ErrorOnUnknownConfiguration = true) ?? new SieveOptions();
        return [.. new OperatorBinder(catalog).Bind(options).Errors];
    }

    [Fact]
    public void Check_UnknownSlot_ListsTheSlots()
    {
        var error = Assert.Single(Check(new() { ["Sieve:Operators:atention:Use"] = "dense" }));
        Assert.StartsWith("Sieve:Operators:atention names an unknown operator slot 'atention'. Slots: attention, kv-cache,", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_UnknownImplementation_ListsTheAvailableOnes()
    {
        var error = Assert.Single(Check(new() { ["Sieve:Operators:sparse-index:Use"] = "inverted" }, PluginFolder.MemoryIndex));
        Assert.Equal("Sieve:Operators:sparse-index:Use = 'inverted' is not an implementation of slot 'sparse-index'. Available: exact, memory.", error);
    }

    [Fact]
    public void Check_JobOverrideWithUnknownImplementation_NamesTheJobKey()
    {
        var error = Assert.Single(Check(new() { ["Sieve:Jobs:0:Operators:sparse-index:Use"] = "nope" }, PluginFolder.MemoryIndex));
        Assert.StartsWith("Sieve:Jobs:0:Operators:sparse-index:Use = 'nope'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_OptionOutOfRange_NamesTheFullKeyAndValue()
    {
        var error = Assert.Single(Check(new()
        {
            ["Sieve:Operators:sparse-index:Use"] = "memory",
            ["Sieve:Operators:sparse-index:Options:ScoreScale"] = "0",
        }, PluginFolder.MemoryIndex));
        Assert.StartsWith("Sieve:Operators:sparse-index:Options:ScoreScale = '0' is invalid: The field ScoreScale must be between 0.001 and 1000.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_UnknownOptionKey_IsAnError()
    {
        var error = Assert.Single(Check(new()
        {
            ["Sieve:Operators:sparse-index:Use"] = "memory",
            ["Sieve:Operators:sparse-index:Options:ScoreScal"] = "2",
        }, PluginFolder.MemoryIndex));
        Assert.StartsWith("Sieve:Operators:sparse-index:Options:", error, StringComparison.Ordinal);
        Assert.Contains("ScoreScal", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SlotNotInTheContractYet_IsAnUnknownSlot()
    {
        // sampler left the contract in 4.0 until its issue adds it with a reference and a caller (lm-head came back with issue 20).
        var error = Assert.Single(Check(new() { ["Sieve:Operators:sampler:Use"] = "bottleneck" }));
        Assert.StartsWith("Sieve:Operators:sampler names an unknown operator slot 'sampler'. Slots: attention, kv-cache, lexical-head, lm-head, sparse-index, weight-quant.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_LmHeadWithoutItsPlugin_ListsTheBuiltInReference()
    {
        var error = Assert.Single(Check(new() { ["Sieve:Operators:lm-head:Use"] = "clustered" }));
        Assert.EndsWith("is not an implementation of slot 'lm-head'. Available: dense.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_PluginImplementationWithoutItsPlugin_ListsTheBuiltInOnes()
    {
        var error = Assert.Single(Check(new() { ["Sieve:Operators:attention:Use"] = "block-sparse" }));
        Assert.EndsWith("is not an implementation of slot 'attention'. Available: dense.", error, StringComparison.Ordinal);
    }
}
