using System.ComponentModel.DataAnnotations;
using Sieve.Abstractions;

namespace Sieve.Plugins.Retrieval.Tests;

public sealed class RetrievalPluginTests
{
    [Fact]
    public void Register_AddsInvertedSparseIndex()
    {
        var registry = new RecordingRegistry();

        new RetrievalPlugin().Register(registry);

        var (slot, name, created) = Assert.Single(registry.Added);
        Assert.Equal(typeof(ISparseIndex), slot);
        Assert.Equal("inverted", name);
        Assert.IsType<InvertedIndex>(created);
    }

    [Theory]
    [InlineData(4, false)]
    [InlineData(8, true)]
    [InlineData(128, true)]
    [InlineData(8192, false)]
    public void Options_BlockSize_ValidatedByRange(int blockSize, bool valid)
    {
        var options = new InvertedIndexOptions { BlockSize = blockSize };

        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), null, validateAllProperties: true));
    }

    private sealed class RecordingRegistry : IOperatorRegistry
    {
        public List<(Type Slot, string Name, object Created)> Added { get; } = [];

        public void Add<TSlot, TOptions>(string name, Func<TOptions, IServiceProvider, TSlot> create)
            where TSlot : class
            where TOptions : class, new() =>
            Added.Add((typeof(TSlot), name, create(new TOptions(), EmptyServices.Instance)));
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
