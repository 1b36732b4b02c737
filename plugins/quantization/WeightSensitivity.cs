namespace Sieve.Plugins.Quantization;

/// <summary>
/// How much each weight of W [K, N] matters to the loss, the weights of the k-means and the ranking of the sensitive
/// values: either one value per weight (the diagonal of the Fisher information, <see cref="PerWeight"/>) or one per
/// input index k shared by the channels (the mean squared input activation, <see cref="PerInput"/>). Immutable.
/// </summary>
internal sealed class WeightSensitivity
{
    private readonly float[]? _perWeight;
    private readonly float[]? _perInput;
    private readonly int _outputSize;

    private WeightSensitivity(float[]? perWeight, float[]? perInput, int outputSize)
    {
        _perWeight = perWeight;
        _perInput = perInput;
        _outputSize = outputSize;
    }

    /// <summary>Where the numbers came from, for the manifest: <c>uniform</c>, <c>activations</c> or <c>fisher</c>.</summary>
    public string Kind => _perWeight is not null ? "fisher" : _perInput is not null ? "activations" : "uniform";

    /// <summary>Every weight equally (plain k-means; no sensitive values stand out).</summary>
    public static WeightSensitivity Uniform { get; } = new(null, null, 0);

    /// <summary>One value per weight, [K, N] row-major (the initializer's layout).</summary>
    public static WeightSensitivity PerWeight(float[] values, int outputSize) => new(values, null, outputSize);

    /// <summary>One value per input index k, [K].</summary>
    public static WeightSensitivity PerInput(float[] values) => new(null, values, 0);

    /// <summary>Whether it tells weights apart (uniform does not).</summary>
    public bool IsInformative => _perWeight is not null || _perInput is not null;

    /// <summary>The sensitivity of W[k, n].</summary>
    public float At(int k, int n) => _perWeight is not null ? _perWeight[(long)k * _outputSize + n] : _perInput is not null ? _perInput[k] : 1f;

    /// <summary>Checks the shape against W [K, N].</summary>
    /// <exception cref="ArgumentException">The sizes differ.</exception>
    public void Check(string weight, int inputSize, int outputSize)
    {
        if (_perWeight is not null && (_outputSize != outputSize || _perWeight.LongLength != (long)inputSize * outputSize))
        {
            throw new ArgumentException($"the sensitivity of {weight} holds {_perWeight.LongLength} values, not [{inputSize}, {outputSize}]");
        }
        if (_perInput is not null && _perInput.Length != inputSize)
        {
            throw new ArgumentException($"the activation sensitivity of {weight} holds {_perInput.Length} values, not {inputSize}");
        }
    }
}
