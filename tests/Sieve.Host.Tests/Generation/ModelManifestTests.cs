using System.Security.Cryptography;
using System.Text.Json;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests.Generation;

public class ModelManifestTests
{
    [Fact]
    public void Manifest_Sha256_MatchesEveryFile()
    {
        var folder = Path.Combine(TestPaths.SamplesDir, "..", "models", "sieve-lm");
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")));
        var files = manifest.RootElement.GetProperty("files").EnumerateObject().ToList();

        Assert.Contains(files, f => f.Name == "model.onnx");
        foreach (var file in files)
        {
            using var stream = File.OpenRead(Path.Combine(folder, file.Name));
            Assert.Equal(file.Value.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(stream)));
        }
    }
}
