using System.Security.Cryptography;
using System.Text.Json;

namespace Sieve.Plugins.Quantization.Format;

/// <summary>
/// <c>quantization.json</c> beside a quantized model: how it was made, what it weighs, and the sha256 of the model and
/// of the side file, which <see cref="LoadVerified"/> checks before the weights are read. Immutable.
/// </summary>
internal sealed record QuantizationManifest
{
    public const string FileName = "quantization.json";
    public const string FormatName = "sieve-dense-and-sparse";

    public string Format { get; init; } = FormatName;
    public int FormatVersion { get; init; } = QuantizedWeightsFile.Version;
    /// <summary><c>squeeze</c> (dense-and-sparse) or <c>rtn</c> (round-to-nearest, stored dequantized in the model).</summary>
    public string Method { get; init; } = "squeeze";
    public int Bits { get; init; }
    public double OutlierFraction { get; init; }
    public double SensitiveFraction { get; init; }
    /// <summary><c>activations</c>, <c>fisher</c> or <c>uniform</c>.</summary>
    public string Sensitivity { get; init; } = "";
    public string? SensitivityFile { get; init; }
    public string? Calibration { get; init; }
    public long CalibrationTokens { get; init; }
    public string SourceModel { get; init; } = "";
    public string Model { get; init; } = "model.onnx";
    public string ModelSha256 { get; init; } = "";
    /// <summary>The side file, or null when the method stores no side file (rtn).</summary>
    public string? WeightsFile { get; init; }
    public string? WeightsSha256 { get; init; }
    public int Matrices { get; init; }
    public long Parameters { get; init; }
    public long SparseValues { get; init; }
    /// <summary>Bytes of the quantized weights as float32 in the source model.</summary>
    public long WeightBytesBefore { get; init; }
    /// <summary>Bytes of their quantized form (side file sections, or rtn's packed size).</summary>
    public long WeightBytesAfter { get; init; }
    public long ModelFileBytesBefore { get; init; }
    /// <summary>model.onnx plus the side file.</summary>
    public long ModelFileBytesAfter { get; init; }
    public IReadOnlyList<string> Skipped { get; init; } = [];

    /// <summary>Bits per quantized weight, everything counted (tables, sparse part).</summary>
    public double BitsPerWeight => Parameters == 0 ? 0 : WeightBytesAfter * 8.0 / Parameters;

    public void Save(string folder) =>
        File.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, JsonOptions) + Environment.NewLine);

    /// <summary>The manifest of the model in <paramref name="folder"/>, its side file's checksum verified.</summary>
    /// <exception cref="InvalidDataException">The manifest is missing or bad, the side file is missing, or its sha256 differs (the message names the file).</exception>
    public static QuantizationManifest LoadVerified(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path} is missing: a dense-and-sparse model is the folder `sieve quantize` writes (model.onnx, {FileName}, weights.sqz).");
        }
        QuantizationManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<QuantizationManifest>(File.ReadAllText(path), JsonOptions) ?? throw new JsonException("empty");
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"{path} is not a quantization manifest ({error.Message}).", error);
        }
        if (manifest.Format != FormatName || manifest.FormatVersion != QuantizedWeightsFile.Version)
        {
            throw new InvalidDataException($"{path}: format {manifest.Format} version {manifest.FormatVersion}; this plugin reads {FormatName} version {QuantizedWeightsFile.Version}.");
        }
        if (manifest.WeightsFile is null)
        {
            throw new InvalidDataException($"{path}: method {manifest.Method} stores no side file; the model runs without weight-quant/dense-and-sparse.");
        }
        var weights = Path.Combine(folder, manifest.WeightsFile);
        if (!File.Exists(weights))
        {
            throw new InvalidDataException($"The side file {weights} named by {path} is missing.");
        }
        var actual = Sha256(weights);
        if (!string.Equals(actual, manifest.WeightsSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"The side file {weights} is corrupt: its sha256 is {actual}, {path} says {manifest.WeightsSha256}.");
        }
        return manifest;
    }

    /// <summary>A file's sha256 in lower-case hex.</summary>
    public static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };
}
