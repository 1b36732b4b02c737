using Sieve.Plugins.Quantization.Format;

namespace Sieve.Plugins.Quantization.Tests;

public sealed class QuantizedWeightsFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sieve-sqz-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static List<DenseSparseMatrix> Matrices() =>
    [
        DenseSparseQuantizer.Quantize("layer0/w", RandomWeights.Matrix(77, 45), 77, 45, WeightSensitivity.Uniform, new QuantizationSettings(3)),
        DenseSparseQuantizer.Quantize("layer1/w", RandomWeights.Matrix(33, 5, seed: 2), 33, 5, WeightSensitivity.Uniform, new QuantizationSettings(4, 0.05)),
    ];

    private string WriteModelFolder()
    {
        var weights = Path.Combine(_folder, "weights.sqz");
        QuantizedWeightsFile.Write(weights, Matrices());
        new QuantizationManifest { Bits = 3, WeightsFile = "weights.sqz", WeightsSha256 = QuantizationManifest.Sha256(weights) }.Save(_folder);
        return weights;
    }

    [Fact]
    public void WriteThenRead_GivesEveryMatrixBack()
    {
        var path = Path.Combine(_folder, "weights.sqz");
        var written = Matrices();

        QuantizedWeightsFile.Write(path, written);
        var read = QuantizedWeightsFile.Read(path);

        Assert.Equal(2, read.Count);
        foreach (var matrix in written)
        {
            var back = read[matrix.Name];
            Assert.Equal((matrix.InputSize, matrix.OutputSize, matrix.Bits), (back.InputSize, back.OutputSize, back.Bits));
            Assert.Equal(matrix.Indices, back.Indices);
            Assert.Equal(matrix.Centroids, back.Centroids);
            Assert.Equal(matrix.SparseStarts, back.SparseStarts);
            Assert.Equal(matrix.SparseInputs, back.SparseInputs);
            Assert.Equal(matrix.SparseValues, back.SparseValues);
            Assert.Equal(matrix.Dequantize(), back.Dequantize());
        }
    }

    [Fact]
    public void LoadVerified_IntactFolder_Passes()
    {
        WriteModelFolder();

        var manifest = QuantizationManifest.LoadVerified(_folder);

        Assert.Equal("weights.sqz", manifest.WeightsFile);
    }

    [Fact]
    public void LoadVerified_OneByteChanged_SaysTheSideFileIsCorrupt()
    {
        var weights = WriteModelFolder();
        var bytes = File.ReadAllBytes(weights);
        bytes[^3] ^= 0x10;
        File.WriteAllBytes(weights, bytes);

        var error = Assert.Throws<InvalidDataException>(() => QuantizationManifest.LoadVerified(_folder));

        Assert.Contains($"The side file {weights} is corrupt", error.Message, StringComparison.Ordinal);
        Assert.Contains("sha256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadVerified_NoManifest_NamesIt()
    {
        var error = Assert.Throws<InvalidDataException>(() => QuantizationManifest.LoadVerified(_folder));

        Assert.Contains(Path.Combine(_folder, "quantization.json") + " is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadVerified_SideFileMissing_NamesIt()
    {
        var weights = WriteModelFolder();
        File.Delete(weights);

        var error = Assert.Throws<InvalidDataException>(() => QuantizationManifest.LoadVerified(_folder));

        Assert.Contains($"The side file {weights}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NotASideFile_NamesTheFile()
    {
        var path = Path.Combine(_folder, "weights.sqz");
        File.WriteAllText(path, "this is not a weights file at all");

        var error = Assert.Throws<InvalidDataException>(() => QuantizedWeightsFile.Read(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Truncated_NamesTheFileAndTheWeight()
    {
        var path = Path.Combine(_folder, "weights.sqz");
        QuantizedWeightsFile.Write(path, Matrices());
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<InvalidDataException>(() => QuantizedWeightsFile.Read(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("outside the file", error.Message, StringComparison.Ordinal);
    }
}
