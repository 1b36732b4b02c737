using System.ComponentModel.DataAnnotations;

namespace Sieve.Plugins.Attention.Tests;

/// <summary>The options' own checks (the host's binder prefixes each member with Sieve:Operators:attention:Options).</summary>
public sealed class BlockSparseAttentionOptionsTests
{
    [Theory]
    [InlineData("compressed")]
    [InlineData("key-bounds")]
    [InlineData("oracle")]
    [InlineData("compressed-tile")]
    public void Validate_KnownSelection_IsValid(string selection) => Assert.Empty(Validate(new BlockSparseAttentionOptions { Selection = selection }));

    [Fact]
    public void Validate_UnknownSelection_NamesSelectionAndTheChoices()
    {
        var error = Assert.Single(Validate(new BlockSparseAttentionOptions { Selection = "quest" }));

        Assert.Equal(["Selection"], error.MemberNames);
        Assert.Contains("'quest'", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("compressed, key-bounds, oracle, compressed-tile", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NormalizerStrideAboveKernel_NamesNormalizerStride() =>
        Assert.Equal(["NormalizerStride"], Assert.Single(Validate(new BlockSparseAttentionOptions { NormalizerKernel = 32, NormalizerStride = 64 })).MemberNames);

    [Fact]
    public void Defaults_AreInfLlmV2Reference()
    {
        var options = new BlockSparseAttentionOptions();

        Assert.Equal((BlockSelection.Compressed, 32, 16, 128, 64, 64),
            (options.Selection, options.CompressionKernel, options.CompressionStride, options.NormalizerKernel, options.NormalizerStride, options.BlockSize));
    }

    private static List<ValidationResult> Validate(BlockSparseAttentionOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
