namespace Sieve.Plugins.Quantization;

/// <summary>The knobs of the dense-and-sparse recipe. Immutable.</summary>
/// <param name="Bits">Bits per dense index: 3 or 4 (8 or 16 centroids per output channel).</param>
/// <param name="OutlierFraction">Share of each matrix's weights kept exactly in the sparse part for their magnitude (SqueezeLLM: about 0.45 %).</param>
/// <param name="SensitiveFraction">Share kept for their sensitivity (SqueezeLLM: 0.05 %).</param>
internal sealed record QuantizationSettings(int Bits, double OutlierFraction = QuantizationSettings.DefaultOutlierFraction,
    double SensitiveFraction = QuantizationSettings.DefaultSensitiveFraction)
{
    public const double DefaultOutlierFraction = 0.0045;
    public const double DefaultSensitiveFraction = 0.0005;

    /// <summary>What is wrong with the settings, naming the command-line flag, or null.</summary>
    public string? Problem() =>
        Bits is not (3 or 4) ? $"--bits {Bits} is out of range: dense-and-sparse quantization takes 3 or 4 bits"
        : !(OutlierFraction >= 0 && OutlierFraction < 0.5) ? $"--outliers {OutlierFraction} is out of range: a fraction in [0, 0.5)"
        : !(SensitiveFraction >= 0 && SensitiveFraction < 0.5) ? $"--sensitive {SensitiveFraction} is out of range: a fraction in [0, 0.5)"
        : null;
}
