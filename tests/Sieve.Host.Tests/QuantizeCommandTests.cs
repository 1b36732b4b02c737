using Sieve.Abstractions;
using Sieve.Host.Configuration;
using Sieve.Host.Operators;
using Sieve.Host.Pipelines;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests;

/// <summary>
/// <c>sieve quantize</c> end to end on the real all-MiniLM-L6-v2: the quantized folder embeds by configuration alone with
/// <c>weight-quant/dense-and-sparse</c> from the drop-in plugins folder, close to the fp32 model; bad inputs get clear errors.
/// </summary>
public sealed class QuantizeCommandTests : IClassFixture<QuantizeCommandTests.QuantizedMiniLm>
{
    private static readonly string[] Texts =
    [
        "A man is eating food.", "A woman is playing violin.", "Rain and snow fell on the boats all night long.",
        "The quick brown fox jumps over the lazy dog near the riverbank at dawn.", "Stock markets fell sharply after the report.",
        "He planted a garden of tomatoes and beans behind the house.", "Hi.",
    ];

    private readonly QuantizedMiniLm _quantized;

    public QuantizeCommandTests(QuantizedMiniLm quantized) => _quantized = quantized;

    /// <summary>One 4-bit quantization of MiniLM (about half a minute), shared by the tests.</summary>
    public sealed class QuantizedMiniLm : IDisposable
    {
        public QuantizedMiniLm()
        {
            Calibration = Folder.Write("calibration.txt", string.Join("\n", Enumerable.Repeat(Texts, 6).SelectMany(t => t)));
            Result = SieveProcess.Run("quantize", TestPaths.ModelPath, "--bits", "4", "--calibration", Calibration, "--out", Folder.File("q4"));
        }

        internal TempFolder Folder { get; } = new();

        public string Calibration { get; }

        internal SieveResult Result { get; }

        public string ModelPath => Folder.File("q4/model.onnx");

        public void Dispose() => Folder.Dispose();
    }

    private static float[][] Embed(string modelPath, IReadOnlyList<BoundOperator> operators)
    {
        var options = new SieveOptions();
        options.Models["minilm"] = new ModelOptions { Path = modelPath, Tokenizer = Path.Combine(Path.GetDirectoryName(modelPath)!, "vocab.txt") };
        var (model, encoder) = ConfiguredModels.LoadEncoder(options, new ConfigPaths(TestPaths.HostDir), "minilm", operators, EmptyServices.Instance);
        using (model)
        {
            return [.. model.Embed(Texts.Select(encoder.Encode).ToList())];
        }
    }

    [Fact]
    public void Quantize_FourBits_WritesADropInFolderThatEmbedsCloseToFp32()
    {
        Assert.True(_quantized.Result.ExitCode == 0, _quantized.Result.ToString());
        foreach (var file in new[] { "model.onnx", "weights.sqz", "quantization.json", "vocab.txt" })
        {
            Assert.True(File.Exists(_quantized.Folder.File("q4/" + file)), file);
        }
        var denseAndSparse = OperatorBinder.Standalone<IWeightQuantizer>(DropInPlugins.Catalog, "dense-and-sparse");

        var reference = Embed(TestPaths.ModelPath, []);
        var quantized = Embed(_quantized.ModelPath, [denseAndSparse]);

        var cosines = reference.Zip(quantized).Select(p => Cosine(p.First, p.Second)).ToList();
        // Measured: these 7 texts (calibrated on the same 7) mean 0.962, min 0.937 ("Hi."); the 40 sample sentences
        // calibrated on Genesis 1-20: mean 0.971, min 0.961; round-to-nearest g128 at 4 bits: mean 0.950. The issue's target
        // of 0.99 is NOT met at 4 bits on MiniLM. A broken kernel or format gives far less.
        Assert.True(cosines.Min() >= 0.93, $"cosines {string.Join(", ", cosines.Select(c => c.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}");
        Assert.True(cosines.Average() >= 0.955, $"mean cosine {cosines.Average():F4}");
    }

    [Fact]
    public void Quantized_CorruptSideFile_StopsTheLoadNamingTheFile()
    {
        using var copy = new TempFolder();
        foreach (var file in Directory.GetFiles(_quantized.Folder.File("q4")))
        {
            File.Copy(file, copy.File(Path.GetFileName(file)));
        }
        var weights = copy.File("weights.sqz");
        var bytes = File.ReadAllBytes(weights);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(weights, bytes);
        var denseAndSparse = OperatorBinder.Standalone<IWeightQuantizer>(DropInPlugins.Catalog, "dense-and-sparse");

        var error = Assert.Throws<SieveException>(() => Embed(copy.File("model.onnx"), [denseAndSparse]));

        Assert.Contains($"The side file {weights} is corrupt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantized_WithoutThePlugin_SaysWhichOperatorIsMissing()
    {
        var error = Assert.Throws<SieveException>(() => Embed(_quantized.ModelPath, []));

        Assert.Contains($"Model file {_quantized.ModelPath}", error.Message, StringComparison.Ordinal);
        Assert.Contains("uses Sieve's operator ai.sieve::DenseSparseMatMul, which no chosen operator provides", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("8")]
    public void Quantize_BitsOutOfRange_SaysSo(string bits)
    {
        using var folder = new TempFolder();

        var result = SieveProcess.Run("quantize", TestPaths.ModelPath, "--bits", bits, "--calibration", _quantized.Calibration, "--out", folder.File("out"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"--bits {bits} is out of range: dense-and-sparse quantization takes 3 or 4 bits", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantize_ModelWithoutConstantMatMulWeights_SaysThereIsNothingToQuantize()
    {
        using var folder = new TempFolder();

        // The quantized model's MatMuls are ai.sieve nodes already: no constant weight is left.
        var result = SieveProcess.Run("quantize", _quantized.ModelPath, "--bits", "4", "--calibration", _quantized.Calibration, "--out", folder.File("out"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("has no MatMul or Gemm with a constant float weight matrix", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantize_NoCalibrationNorSensitivity_NamesBothFlags()
    {
        using var folder = new TempFolder();

        var result = SieveProcess.Run("quantize", TestPaths.ModelPath, "--bits", "4", "--out", folder.File("out"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("needs --calibration F", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--sensitivity F", result.Stderr, StringComparison.Ordinal);
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.Sqrt(na * nb);
    }
}
