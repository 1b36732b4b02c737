namespace Sieve.Plugins.Retrieval;

/// <summary>
/// 8-bit impacts with one scale per term: scale = the term's largest weight / 255, impact = round(weight / scale)
/// (to nearest even, clamped to 255). A weight that rounds to 0 is dropped. A document's contribution to a query is
/// <c>queryWeight * (impact * scale)</c>, in float, in that order: brute force and pruned search share it.
/// </summary>
internal static class ImpactQuantizer
{
    public const int MaxImpact = 255;

    public static float Scale(float maxWeight) => maxWeight / MaxImpact;

    public static byte Quantize(float weight, float scale) =>
        scale > 0 ? (byte)Math.Min(MaxImpact, (int)MathF.Round(weight / scale)) : (byte)0;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static float Contribution(float queryWeight, float scale, byte impact) => queryWeight * (impact * scale);
}
