using System.Text.Json;
using Sieve.Host.Tests.Testing;
using Sieve.Plugins.Attention;

namespace Sieve.Host.Tests;

/// <summary>
/// <c>sieve profile</c> end to end on the committed sieve-lm (short windows, small blocks, so that it runs in seconds):
/// the policy it writes loads and plans every layer; <c>sieve inspect</c> shows the plan; bad inputs get clear errors.
/// </summary>
public sealed class ProfileCommandTests : IClassFixture<ProfileCommandTests.Profiled>
{
    private readonly Profiled _profiled;

    public ProfileCommandTests(Profiled profiled) => _profiled = profiled;

    /// <summary>One profile of sieve-lm over two 512-token windows, shared by the tests.</summary>
    public sealed class Profiled : IDisposable
    {
        public Profiled()
        {
            Text = Folder.Write("calibration.txt", CalibrationText(1200));
            Result = SieveProcess.Run("profile", Path.Combine(TestPaths.LmFolder, "model.onnx"), "--data", Text, "--out", Policy,
                "--context", "512", "--windows", "2", "--block-size", "16", "--top-k", "6", "--sample-every", "4", "--dense-layers", "1", "--compute-budget", "3");
        }

        internal TempFolder Folder { get; } = new();

        public string Text { get; }

        public string Policy => Folder.File("policy.json");

        internal SieveResult Result { get; }

        public void Dispose() => Folder.Dispose();
    }

    /// <summary>The sample sentences, repeated to about <paramref name="words"/> words.</summary>
    internal static string CalibrationText(int words)
    {
        var sentences = File.ReadLines(Path.Combine(TestPaths.SamplesDir, "sentences.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!).ToList();
        var text = new List<string>();
        for (var i = 0; text.Sum(t => t.Split(' ').Length) < words; i++)
        {
            text.Add(sentences[i % sentences.Count]);
        }
        return string.Join(" ", text);
    }

    [Fact]
    public void Profile_SieveLm_WritesAPolicyOfEveryLayerWithinTheBudget()
    {
        Assert.True(_profiled.Result.ExitCode == 0, _profiled.Result.ToString());
        var policy = LayerReusePolicy.Read(_profiled.Policy);

        Assert.Equal(new PolicyModel("sieve-lm", 8, 8, 2, 32), policy.Model);
        Assert.Equal(8, policy.Layers.Count);
        Assert.Single(policy.Layers, l => l.Mode == LayerMode.Dense);
        Assert.InRange(policy.Layers.Count(l => l.Mode == LayerMode.Compute), 1, 3);
        // The dense layer is the most sensitive one.
        var dense = policy.Layers.Single(l => l.Mode == LayerMode.Dense);
        Assert.Equal(policy.Layers.Max(l => l.Sensitivity), dense.Sensitivity);
        Assert.All(policy.Layers, l => Assert.InRange(l.Sensitivity, 0.001, 1));
        Assert.True(policy.Profile.SampledQueries > 0);
        Assert.Equal(policy.Profile.WorstOverlap, policy.Layers.Where(l => l.Mode == LayerMode.Reuse).Min(l => policy.Overlap[l.Source!.Value][l.Layer]), 3);
        Assert.Contains("worst overlap along the path", _profiled.Result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_WithTheProfiledPolicy_ShowsEachLayersPlan()
    {
        var result = SieveProcess.Run("inspect", "sieve-lm", "--set", "Sieve:Operators:attention:Use=layer-reuse",
            "--set", "Sieve:Operators:attention:Options:Policy=" + _profiled.Policy);

        Assert.True(result.ExitCode == 0, result.ToString());
        var policy = LayerReusePolicy.Read(_profiled.Policy);
        foreach (var layer in policy.Layers)
        {
            var line = result.Stdout.Split('\n').Single(l => l.TrimStart().StartsWith($"layer {layer.Layer}: ", StringComparison.Ordinal));
            Assert.Contains(layer.Mode switch
            {
                LayerMode.Dense => "→ dense;",
                LayerMode.Compute => "→ chooses its own blocks (compressed);",
                _ => $"→ reuses layer {layer.Source}'s blocks;",
            }, line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Profile_BadInputs_GetClearErrors()
    {
        var model = Path.Combine(TestPaths.LmFolder, "model.onnx");
        var missing = _profiled.Folder.File("missing.txt");
        var noData = SieveProcess.Run("profile", model, "--data", missing, "--out", _profiled.Folder.File("p1.json"));
        Assert.NotEqual(0, noData.ExitCode);
        Assert.Contains($"--data {missing}: file not found", noData.Stderr, StringComparison.Ordinal);

        var shortText = _profiled.Folder.Write("short.txt", "In the beginning God created the heavens and the earth.");
        var tooShort = SieveProcess.Run("profile", model, "--data", shortText, "--out", _profiled.Folder.File("p2.json"), "--context", "512");
        Assert.NotEqual(0, tooShort.ExitCode);
        Assert.Contains("fewer than one window of 512", tooShort.Stderr, StringComparison.Ordinal);

        var coverage = SieveProcess.Run("profile", model, "--data", _profiled.Text, "--out", _profiled.Folder.File("p3.json"), "--coverage", "1.5");
        Assert.NotEqual(0, coverage.ExitCode);
        Assert.Contains("--coverage must be in (0, 1], got 1.5", coverage.Stderr, StringComparison.Ordinal);

        var noChoice = SieveProcess.Run("profile", model, "--data", _profiled.Text, "--out", _profiled.Folder.File("p4.json"), "--context", "512", "--windows", "1");
        Assert.NotEqual(0, noChoice.ExitCode);
        Assert.Contains("nothing to profile", noChoice.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_profiled.Folder.File("p4.json")));
    }

    [Fact]
    public void Run_PolicyOfAnotherDepth_IsRefusedAtLoadNamingThePolicy()
    {
        var policy = LayerReusePolicy.Read(_profiled.Policy);
        var shallow = policy with
        {
            Model = policy.Model with { Layers = 6 },
            Layers = [.. policy.Layers.Take(6)],
        };
        var path = _profiled.Folder.File("shallow.json");
        shallow.Write(path);

        var result = SieveProcess.Run("inspect", "sieve-lm", "--set", "Sieve:Operators:attention:Use=layer-reuse", "--set", "Sieve:Operators:attention:Options:Policy=" + path);

        Assert.Contains("the policy is for a model of 6 attention layers, this one has 8", result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Contains(path, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }
}
