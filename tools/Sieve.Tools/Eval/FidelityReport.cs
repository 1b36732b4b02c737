using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Sieve.Tools.Eval;

/// <summary>What <c>sieve eval embed-fidelity</c> measured.</summary>
internal sealed record FidelityReport(
    int Texts,
    int MinTokens,
    int MaxTokens,
    double DenseMaxAbsDifference,
    int ShortBlockSize,
    IReadOnlyList<FidelityPoint> Short,
    int LongTexts,
    int LongTokens,
    IReadOnlyList<FidelityPoint> Long)
{
    public string Table()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"Fidelity set: {Texts} texts of {MinTokens}-{MaxTokens} tokens (passages of the shipped sample sentences).");
        text.AppendLine(c, $"attention/dense vs the model's own graph: max |difference| of embedding components = {DenseMaxAbsDifference:E2}");
        text.AppendLine(c, $"attention/block-sparse (forced: DenseBelow 0, block {ShortBlockSize}, compression {ShortBlockSize / 2}/{ShortBlockSize / 4}, first block + own block kept) vs the model's own:");
        text.AppendLine("  density  kept   min cosine  mean cosine");
        foreach (var p in Short)
        {
            text.AppendLine(c, $"  {p.Density,7:P0}  {p.KeptFraction,5:P0}  {p.MinCosine,10:F4}  {p.MeanCosine,11:F4}");
        }
        text.AppendLine(c, $"{LongTexts} texts at the model's limit ({LongTokens} tokens), block 64, compression 32/16, first block + own block kept:");
        text.AppendLine("  density  kept   min cosine  mean cosine");
        foreach (var p in Long)
        {
            text.AppendLine(c, $"  {p.Density,7:P0}  {p.KeptFraction,5:P0}  {p.MinCosine,10:F4}  {p.MeanCosine,11:F4}");
        }
        return text.ToString();
    }

    public string Json() => JsonSerializer.Serialize(this);
}
