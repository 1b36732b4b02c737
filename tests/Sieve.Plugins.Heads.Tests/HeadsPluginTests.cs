using Sieve.Abstractions;

namespace Sieve.Plugins.Heads.Tests;

public sealed class HeadsPluginTests
{
    [Fact]
    public void Register_AddsTheFusedLexicalHeadAndTheClusteredLmHead()
    {
        var registry = new RecordingRegistry();

        new HeadsPlugin().Register(registry);

        // lexical-head/dense and lm-head/dense, the references, are built into the host.
        Assert.Equal(["ILexicalHead/fused", "ILmHead/clustered"], registry.Names);
        Assert.IsType<FusedLexicalHead>(registry.Create(0));
        Assert.True(Assert.IsType<Sieve.Plugins.Heads.LmHead.ClusteredLmHead>(registry.Create(1)).ReadsHiddenState);
    }

    /// <summary>A registry that records what was added and can create it with default options.</summary>
    private sealed class RecordingRegistry : IOperatorRegistry
    {
        private readonly List<Func<object>> _factories = [];

        public List<string> Names { get; } = [];

        public void Add<TSlot, TOptions>(string name, Func<TOptions, IServiceProvider, TSlot> create)
            where TSlot : class
            where TOptions : class, new()
        {
            Names.Add($"{typeof(TSlot).Name}/{name}");
            _factories.Add(() => create(new TOptions(), EmptyServices.Instance));
        }

        public object Create(int index) => _factories[index]();
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
