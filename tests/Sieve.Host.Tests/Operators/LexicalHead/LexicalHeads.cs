using Sieve.Abstractions;
using Sieve.Host.Operators.LexicalHead;
using Sieve.Host.Tests.Testing;
using Sieve.Kernels.Lexical;

namespace Sieve.Host.Tests.Operators.LexicalHead;

/// <summary>
/// Both lexical heads by name, as the host gets them: <c>dense</c> built in, <c>fused</c> from the heads plugin in the
/// host's drop-in folder (loaded once, in its own load context, sharing the contract and Sieve.Kernels).
/// </summary>
internal static class LexicalHeads
{
    public const string Dense = DenseLexicalHead.Name;

    public const string Fused = "fused";

    /// <summary>The head <paramref name="name"/> with <paramref name="options"/>, given <paramref name="gpu"/> as the host's GPU service.</summary>
    public static ILexicalHead Create(string name, LexicalHeadOptions options, IGpuDevice? gpu = null) =>
        DropInPlugins.Create<ILexicalHead>("lexical-head", name, options, new GpuServices(gpu));

    /// <summary>Encodes the fixture's batch with a head created by name.</summary>
    public static SparseVector[] Encode(this LexicalHeadFixture fixture, string name, LexicalHeadOptions options, VocabularyProjection? projection = null, float[]? hidden = null)
    {
        using var encoder = Create(name, options).Bind(projection ?? fixture.Projection());
        return fixture.Encode(encoder, hidden);
    }

    private sealed class GpuServices(IGpuDevice? gpu) : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(IGpuDevice) ? gpu : null;
    }
}
