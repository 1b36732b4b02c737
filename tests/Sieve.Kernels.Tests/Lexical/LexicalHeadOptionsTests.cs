using System.ComponentModel.DataAnnotations;
using Sieve.Kernels.Lexical;

namespace Sieve.Kernels.Tests.Lexical;

public sealed class LexicalHeadOptionsTests
{
    [Fact]
    public void Validate_Defaults_Valid()
    {
        var options = new LexicalHeadOptions();

        Assert.True(Validator.TryValidateObject(options, new ValidationContext(options), null, validateAllProperties: true));
        Assert.Equal(256, options.TopK);
        Assert.Equal(0f, options.Threshold);
        Assert.Equal("fp32", options.GpuPrecision);
    }

    [Theory]
    [InlineData("fp16")]
    [InlineData("half")]
    [InlineData("FP16")]
    public void Validate_GpuPrecision_AcceptsOnlyFp32OrFp16(string precision)
    {
        var options = new LexicalHeadOptions { GpuPrecision = precision };

        var results = options.Validate(new ValidationContext(options)).ToList();

        if (precision == "fp16")
        {
            Assert.Empty(results);
        }
        else
        {
            var result = Assert.Single(results);
            Assert.Equal([nameof(LexicalHeadOptions.GpuPrecision)], result.MemberNames);
            Assert.Contains(precision, result.ErrorMessage, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(-1, 0f, nameof(LexicalHeadOptions.TopK))]
    [InlineData(10, -0.5f, nameof(LexicalHeadOptions.Threshold))]
    [InlineData(10, float.NaN, nameof(LexicalHeadOptions.Threshold))]
    [InlineData(10, float.PositiveInfinity, nameof(LexicalHeadOptions.Threshold))]
    public void Validate_BadValue_NamesTheSetting(int topK, float threshold, string member)
    {
        var options = new LexicalHeadOptions { TopK = topK, Threshold = threshold };
        var results = new List<ValidationResult>();

        var valid = Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true)
            && results.Count == 0;
        results.AddRange(options.Validate(new ValidationContext(options)));

        Assert.False(valid && results.Count == 0);
        Assert.Contains(results, r => r.MemberNames.Contains(member));
    }
}
