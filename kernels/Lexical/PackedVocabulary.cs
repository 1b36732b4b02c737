using Sieve.Abstractions;

namespace Sieve.Kernels.Lexical;

/// <summary>
/// W [vocabulary, hidden] repacked into panels of <see cref="PanelTerms"/> terms: panel p holds, for each feature k, the
/// 16 weights W[16p .. 16p + 15, k] side by side ([panels, hidden, 16]), so the micro-kernel reads one panel front to
/// back with aligned vector loads. The last panel is zero-padded. Immutable; thread-safe.
/// </summary>
public sealed class PackedVocabulary
{
    /// <summary>Terms per panel: two Vector256&lt;float&gt;.</summary>
    public const int PanelTerms = 16;

    /// <summary>Packs W of <paramref name="projection"/> into panels (a copy; the projection itself is kept for its sizes, bias and excluded terms).</summary>
    public PackedVocabulary(VocabularyProjection projection)
    {
        Projection = projection;
        var d = projection.HiddenSize;
        Panels = (projection.VocabularySize + PanelTerms - 1) / PanelTerms;
        Data = new float[(long)Panels * d * PanelTerms];
        var weights = projection.Weights.Span;
        for (var v = 0; v < projection.VocabularySize; v++)
        {
            var row = weights.Slice(v * d, d);
            var panel = Data.AsSpan((v / PanelTerms) * d * PanelTerms);
            var lane = v % PanelTerms;
            for (var k = 0; k < d; k++)
            {
                panel[k * PanelTerms + lane] = row[k];
            }
        }
    }

    /// <summary>The projection packed (its bias and excluded terms are read from it).</summary>
    public VocabularyProjection Projection { get; }

    /// <summary>⌈V / 16⌉.</summary>
    public int Panels { get; }

    /// <summary>[<see cref="Panels"/>, hidden, <see cref="PanelTerms"/>].</summary>
    public float[] Data { get; }

    /// <summary>Panel <paramref name="p"/>, [hidden, 16].</summary>
    public ReadOnlySpan<float> Panel(int p) => Data.AsSpan(p * Projection.HiddenSize * PanelTerms, Projection.HiddenSize * PanelTerms);
}
