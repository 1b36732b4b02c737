using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using Sieve.Abstractions;

namespace Sieve.Plugins.Attention.Tests;

/// <summary>
/// The LM training script's block-sparse attention (tools/train-lm/sparse_attention.py, the sparse-aware stage of issue 26)
/// and the runtime's <c>Selection: compressed</c> on the same inputs: the script draws the inputs, chooses the blocks and
/// computes the attention (PyTorch, /usr/bin/python3 with torch: build.sh prereqs installs python3-torch); the runtime
/// must choose the same blocks for every query and KV head and give the same output, so training and inference agree.
/// </summary>
public sealed class TrainingSelectionParityTests
{
    public static TheoryData<string> Cases() => new()
    {
        // seed, batch, query heads, KV heads, length, head size, block, top-k, window, kernel, stride, normaliser kernel, stride
        "7 1 6 2 193 24 16 5 1 8 4 32 16",
        "11 2 4 1 150 16 8 6 2 12 4 24 12",
        "3 1 3 1 257 32 32 3 0 32 16 128 64",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compressed_SameInputs_ChoosesTheTrainingScriptsBlocksAndMatchesItsOutput(string arguments)
    {
        var a = arguments.Split(' ').Select(int.Parse).ToArray();
        using var json = EmitCase(a);
        var root = json.RootElement;
        var (batch, heads, kvHeads, length, headSize) = (a[1], a[2], a[3], a[4], a[5]);
        var options = new BlockSparseAttentionOptions
        {
            Selection = BlockSelection.Compressed,
            BlockSize = a[6],
            TopKBlocks = a[7],
            WindowBlocks = a[8],
            KeepFirstBlock = true,
            CompressionKernel = a[9],
            CompressionStride = a[10],
            NormalizerKernel = a[11],
            NormalizerStride = a[12],
            DenseBelow = 0,
        };
        var observed = new ConcurrentDictionary<(int, int, int), int[]>();
        var output = new float[batch * heads * length * headSize];
        var starts = new int[batch];
        var ends = Enumerable.Repeat(length, batch).ToArray();
        new BlockSparseAttention(options) { Observer = (b, g, q, blocks) => observed[(b, g, q)] = blocks.ToArray() }.Compute(new AttentionCall
        {
            Shape = new AttentionShape(heads, kvHeads, headSize, (float)root.GetProperty("scale").GetDouble(), true, 0),
            Query = new TensorView<float>(Floats(root, "q").AsMemory(), new TensorShape(batch, heads, length, headSize)),
            Key = new TensorView<float>(Floats(root, "k").AsMemory(), new TensorShape(batch, kvHeads, length, headSize)),
            Value = new TensorView<float>(Floats(root, "v").AsMemory(), new TensorShape(batch, kvHeads, length, headSize)),
            KeyStarts = new TensorView<int>(starts.AsMemory(), new TensorShape(batch)),
            KeyEnds = new TensorView<int>(ends.AsMemory(), new TensorShape(batch)),
            Output = new TensorView<float>(output.AsMemory(), new TensorShape(batch, heads, length, headSize)),
            Context = new OperatorRunContext(DeviceKind.Cpu),
        });

        var expectedBlocks = root.GetProperty("chosen_blocks");
        var dropped = 0;
        for (var b = 0; b < batch; b++)
        {
            for (var g = 0; g < kvHeads; g++)
            {
                for (var t = 0; t < length; t++)
                {
                    var expected = expectedBlocks[b][g][t].EnumerateArray().Select(x => x.GetInt32()).ToArray();
                    Assert.True(observed.TryGetValue((b, g, t), out var actual), $"no choice for row {b}, head {g}, query {t}");
                    Assert.True(expected.SequenceEqual(actual!), $"row {b}, kv head {g}, query {t}: the script chose [{string.Join(",", expected)}], the runtime [{string.Join(",", actual!)}]");
                    dropped += t / options.BlockSize + 1 - expected.Length;
                }
            }
        }
        Assert.True(dropped > 0, "no query dropped a block: the case does not test a selection");
        var reference = Floats(root, "output");
        for (var i = 0; i < output.Length; i++)
        {
            Assert.True(Math.Abs(output[i] - reference[i]) < 1e-4, $"output {i}: the script gives {reference[i]}, the runtime {output[i]}");
        }
    }

    private static JsonDocument EmitCase(int[] a)
    {
        var script = Path.Combine(RepoRoot, "tools", "train-lm", "sparse_attention.py");
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] flags = ["--seed", "--batch", "--query-heads", "--kv-heads", "--length", "--head-size", "--block", "--top-k", "--window",
            "--kernel", "--stride", "--normalizer-kernel", "--normalizer-stride"];
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("--emit-case");
        for (var i = 0; i < flags.Length; i++)
        {
            start.ArgumentList.Add(flags[i]);
            start.ArgumentList.Add(a[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{script} failed (exit {process.ExitCode}; build.sh prereqs installs python3-torch): {stderr.Result}");
        return JsonDocument.Parse(stdout);
    }

    private static float[] Floats(JsonElement root, string name) =>
        MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(root.GetProperty(name).GetString()!)).ToArray();

    private static string RepoRoot =>
        typeof(TrainingSelectionParityTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(m => m.Key == "RepoRoot").Value!;
}
