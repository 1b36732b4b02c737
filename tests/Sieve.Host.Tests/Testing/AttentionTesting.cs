using Sieve.Abstractions;
using Sieve.Host.Operators;
using Sieve.Host.Plugins;

namespace Sieve.Host.Tests.Testing;

/// <summary>What the attention rewrite tests share: the built-in dense attention, and the comparison with ORT's output.</summary>
internal static class AttentionTesting
{
    /// <summary>attention/dense, bound with no plugins.</summary>
    public static BoundOperator Dense(TempFolder folder) =>
        OperatorBinder.Standalone(new PluginCatalog(folder.File("no-plugins")), "attention", "dense", new Dictionary<string, string>());

    /// <summary>Same length and every element within 1e-4.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0f;
        for (var i = 0; i < actual.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        }
        Assert.True(worst <= 1e-4f, $"{what}: max |ORT − Sieve| {worst}");
    }
}
