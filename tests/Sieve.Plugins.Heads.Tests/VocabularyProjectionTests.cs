using Sieve.Abstractions;

namespace Sieve.Plugins.Heads.Tests;

public sealed class VocabularyProjectionTests
{
    [Fact]
    public void Constructor_WeightsWrongLength_ThrowsArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() => new VocabularyProjection(new float[11], ReadOnlyMemory<float>.Empty, 3, 4));

        Assert.Equal("weights", error.ParamName);
    }

    [Fact]
    public void Constructor_BiasWrongLength_ThrowsArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() => new VocabularyProjection(new float[12], new float[4], 3, 4));

        Assert.Equal("bias", error.ParamName);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    public void Constructor_ExcludedTermOutsideVocabulary_ThrowsArgumentException(int term)
    {
        var error = Assert.Throws<ArgumentException>(() => new VocabularyProjection(new float[12], new float[3], 3, 4, new[] { 0, term }));

        Assert.Equal("excludedTerms", error.ParamName);
    }

    [Theory]
    [InlineData(0, 4)]
    [InlineData(3, 0)]
    public void Constructor_EmptyDimension_ThrowsArgumentOutOfRangeException(int vocabulary, int hidden) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new VocabularyProjection(ReadOnlyMemory<float>.Empty, ReadOnlyMemory<float>.Empty, vocabulary, hidden));

    [Fact]
    public void Constructor_Valid_KeepsValues()
    {
        var weights = new float[12];
        var projection = new VocabularyProjection(weights, ReadOnlyMemory<float>.Empty, 3, 4, new[] { 2, 2, 0 });

        Assert.Equal(3, projection.VocabularySize);
        Assert.Equal(4, projection.HiddenSize);
        Assert.True(projection.Bias.IsEmpty);
        Assert.Equal([2, 2, 0], projection.ExcludedTerms.ToArray());
    }
}
