using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sieve.Abstractions;
using Sieve.Host.Onnx.Proto;
using Sieve.Host.Tests.Testing;
using DataType = Sieve.Host.Onnx.Proto.TensorProto.Types.DataType;

namespace Sieve.Host.Tests;

/// <summary>End-to-end: the real `sieve` command on real files and the real MiniLM model.</summary>
public class SieveCommandTests
{
    private static List<JsonElement> ReadJsonl(string path) =>
        File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    private static string Sentences(int count) => TestConfig.Records(Enumerable.Range(0, count)
        .Select(i => ($"s{i}", $"Sentence number {i} talks about {(i % 3 == 0 ? "boats and the sea" : i % 3 == 1 ? "bread and cooking" : "rain and snow")}."))
        .ToArray());

    private static SieveResult RunEmbedJob(TempFolder folder, string? input, string? modelPath = null, params string[] args)
    {
        if (input is not null)
        {
            folder.Write("input.jsonl", input);
        }
        var config = TestConfig.Write(folder, TestConfig.Sieve(modelPath: modelPath, jobs: TestConfig.EmbedJob()));
        return SieveProcess.Run(["run", "--config", config, .. args]);
    }

    private static void AssertInvalid(SieveResult result, string message)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ShippedDefaultConfig_RunsEveryJobOnTheSamples()
    {
        using var folder = new TempFolder();
        // The shipped appsettings.json, with every output moved into a temporary folder.
        var result = SieveProcess.Run("run",
            "--set", $"Sieve:Jobs:0:Output={folder.File("embeddings.jsonl")}",
            "--set", $"Sieve:Jobs:1:Output={folder.File("hits.jsonl")}",
            "--set", $"Sieve:Jobs:1:Corpus={folder.File("embeddings.jsonl")}",
            "--set", $"Sieve:Jobs:2:Output={folder.File("vectors.jsonl")}",
            "--set", $"Sieve:Jobs:2:Index={folder.File("sentences.sparse")}",
            "--set", $"Sieve:Jobs:3:Output={folder.File("hits-sparse.jsonl")}",
            "--set", $"Sieve:Jobs:3:Index={folder.File("sentences.sparse")}",
            "--set", $"Sieve:Jobs:4:Output={folder.File("hits-bm25.jsonl")}",
            "--set", $"Sieve:Jobs:5:Output={folder.File("generated.jsonl")}");
        Assert.True(result.ExitCode == 0, result.ToString());
        var embeddings = ReadJsonl(folder.File("embeddings.jsonl"));
        Assert.Equal(File.ReadAllLines(Path.Combine(TestPaths.HostDir, "samples", "sentences.jsonl")).Length, embeddings.Count);
        Assert.All(embeddings, e => Assert.Equal(384, e.GetProperty("embedding").GetArrayLength()));
        Assert.Contains("Job embed: 40 records", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("40 written, 0 failed", result.Stdout, StringComparison.Ordinal);
        // The weather query finds a weather sentence first, with dense and with sparse search.
        string TopHit(string file, string query) =>
            ReadJsonl(folder.File(file)).Single(h => h.GetProperty("id").GetString() == query).GetProperty("hits")[0].GetProperty("doc").GetString()!;
        Assert.StartsWith("weather-", TopHit("hits.jsonl", "q3"), StringComparison.Ordinal);
        // The untrained sparse head ranks both sentences that say "rain" first.
        var sparseTop = ReadJsonl(folder.File("hits-sparse.jsonl")).Single(h => h.GetProperty("id").GetString() == "q3")
            .GetProperty("hits").EnumerateArray().Take(2).Select(h => h.GetProperty("doc").GetString()).Order().ToList();
        Assert.Equal(["travel-5", "weather-1"], sparseTop);
        Assert.Equal("travel-1", TopHit("hits-bm25.jsonl", "q1"));
        // No sample sentence shares a word with "What should I cook for dinner tonight?": an empty answer, noted.
        var unanswered = ReadJsonl(folder.File("hits-bm25.jsonl")).Single(h => h.GetProperty("id").GetString() == "q2");
        Assert.Equal(0, unanswered.GetProperty("hits").GetArrayLength());
        Assert.Equal("no document shares a term with the query", unanswered.GetProperty("note").GetString());
        Assert.Contains("Query q3: Will it rain this weekend?", result.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(folder.File("sentences.sparse")));
        // The generate job continues every prompt.
        var generated = ReadJsonl(folder.File("generated.jsonl"));
        Assert.Equal(File.ReadAllLines(Path.Combine(TestPaths.HostDir, "samples", "prompts.jsonl")).Length, generated.Count);
        Assert.All(generated, g => Assert.NotEmpty(g.GetProperty("text").GetString()!));
        Assert.Contains("tokens/s", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_KilledMidway_RerunSkipsWrittenIdsAndLosesNothing()
    {
        using var folder = new TempFolder();
        const int records = 1500;
        folder.Write("input.jsonl", Sentences(records));
        var config = TestConfig.Write(folder, TestConfig.Sieve(jobs: TestConfig.EmbedJob(batchSize: 4)));
        var partial = folder.File("out/embeddings.jsonl.partial");

        using (var process = Process.Start(SieveProcess.StartInfo("run", "--config", config))!)
        {
            var deadline = Stopwatch.StartNew();
            while (!(File.Exists(partial) && new FileInfo(partial).Length > 40_000) && !process.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(2))
            {
                Thread.Sleep(20);
            }
            Assert.False(process.HasExited, "the job finished before it could be killed; give it more records");
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        Assert.False(File.Exists(folder.File("out/embeddings.jsonl")));
        var writtenBeforeKill = File.ReadAllLines(partial).Length; // the last line may be torn

        var rerun = SieveProcess.Run("run", "--config", config);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        var ids = ReadJsonl(folder.File("out/embeddings.jsonl")).Select(e => e.GetProperty("id").GetString()).ToList();
        Assert.Equal(records, ids.Count);
        Assert.Equal(records, ids.Distinct().Count());
        Assert.Matches(@$"\d+ written, 0 failed, (\d+) already done", rerun.Stdout);
        var alreadyDone = int.Parse(System.Text.RegularExpressions.Regex.Match(rerun.Stdout, @"(\d+) already done").Groups[1].Value);
        Assert.InRange(alreadyDone, Math.Max(1, writtenBeforeKill - 1), writtenBeforeKill);
    }

    [Fact]
    public void Run_TwoShards_TogetherCoverEveryRecordOnce()
    {
        using var folder = new TempFolder();
        folder.Write("input.jsonl", Sentences(9));
        var config = TestConfig.Write(folder, TestConfig.Sieve(jobs: TestConfig.EmbedJob()));
        var first = SieveProcess.Run("run", "--config", config, "--shard", "0/2");
        var second = SieveProcess.Run("run", "--config", config, "--shard", "1/2");
        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first + "\n" + second);
        var a = ReadJsonl(folder.File("out/embeddings.shard-0-of-2.jsonl")).Select(e => e.GetProperty("id").GetString()).ToList();
        var b = ReadJsonl(folder.File("out/embeddings.shard-1-of-2.jsonl")).Select(e => e.GetProperty("id").GetString()).ToList();
        Assert.Equal(5, a.Count);
        Assert.Equal(4, b.Count);
        Assert.Equal(Enumerable.Range(0, 9).Select(i => $"s{i}").Order(), a.Concat(b).Order());
    }

    [Fact]
    public void Run_BadRecords_AreReportedWithLineAndIdAndTheRestIsWritten()
    {
        using var folder = new TempFolder();
        folder.Write("input.jsonl",
            "{\"id\":\"ok1\",\"text\":\"Fine.\"}\n{\"id\":\"broken\",\"text\":\n{\"id\":\"notext\"}\n{\"text\":\"no id\"}\n" +
            "{\"id\":\"ok1\",\"text\":\"again\"}\n{\"id\":\"long\",\"text\":\"" + string.Join(' ', Enumerable.Repeat("word", 600)) + "\"}\n");
        var config = TestConfig.Write(folder, TestConfig.Sieve(jobs: TestConfig.EmbedJob()));
        var result = SieveProcess.Run("run", "--config", config);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("Job embed, line 2: malformed JSON", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Job embed, line 3, id \"notext\": the record has no \"text\" string", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Job embed, line 4: the record has no \"id\"", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Job embed, line 5, id \"ok1\": duplicate id", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Job embed, line 6, id \"long\": text truncated from 602 to 512 tokens", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("2 written, 4 failed, 0 already done, 1 warnings", result.Stdout, StringComparison.Ordinal);
        var output = ReadJsonl(folder.File("out/embeddings.jsonl"));
        Assert.True(output.Single(o => o.GetProperty("id").GetString() == "long").GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public void Run_InvalidSetting_StopsBeforeRunningAndNamesKeyValueAndChoices()
    {
        using var folder = new TempFolder();
        var result = RunEmbedJob(folder, Sentences(2), null, "--set", "Sieve:Jobs:0:Pipeline=embedd", "--set", "Sieve:Jobs:0:BatchSize=0");
        AssertInvalid(result, "Sieve:Jobs:0:Pipeline = 'embedd' is not a pipeline. Available: embed, search, index, generate.");
        AssertInvalid(result, "Sieve:Jobs:0:BatchSize = 0 is invalid");
        Assert.False(Directory.Exists(folder.File("out")));
    }

    [Fact]
    public void Run_SettingOfWrongType_NamesTheKey()
    {
        using var folder = new TempFolder();
        AssertInvalid(RunEmbedJob(folder, Sentences(1), null, "--set", "Sieve:Jobs:0:BatchSize=many"), "Sieve:Jobs:0:BatchSize");
    }

    [Fact]
    public void Run_UnknownOperatorImplementation_ListsTheAvailableOnes()
    {
        using var folder = new TempFolder();
        PluginFolder.Create(folder.File("plugins"), PluginFolder.MemoryIndex);
        AssertInvalid(RunEmbedJob(folder, Sentences(1), null, "--set", "Sieve:Operators:sparse-index:Use=inverted"),
            "Sieve:Operators:sparse-index:Use = 'inverted' is not an implementation of slot 'sparse-index'. Available: exact, memory.");
    }

    [Fact]
    public void Run_GlobalOperatorSelection_ServesTheJobsThatUseTheSlotAndSkipsTheOthers()
    {
        using var folder = new TempFolder();
        var result = RunEmbedAndBm25Jobs(folder, "--set", "Sieve:Operators:attention:Use=dense");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Job embed:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("attention=dense (built-in) on 6 nodes", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("operators: bm25 (Lucene.Net)", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, File.ReadAllLines(folder.File("out/hits.jsonl")).Length);
    }

    [Fact]
    public void Run_JobSelectsAnOperatorItsPipelineCannotUse_NamesTheJobAndSlot()
    {
        using var folder = new TempFolder();
        AssertInvalid(RunEmbedAndBm25Jobs(folder, "--set", "Sieve:Jobs:1:Operators:attention:Use=dense"),
            "Job bm25 (Sieve:Jobs:1) selects attention/dense, but the search pipeline uses only no slot");
    }

    /// <summary>An embed job and a BM25 search job (which uses no operator slot) over the same sentences.</summary>
    private static SieveResult RunEmbedAndBm25Jobs(TempFolder folder, params string[] args)
    {
        folder.Write("input.jsonl", Sentences(6));
        folder.Write("queries.jsonl", TestConfig.Records(("q1", "boats on the sea"), ("q2", "cooking bread")));
        var bm25 = new System.Text.Json.Nodes.JsonObject
        {
            ["Name"] = "bm25", ["Pipeline"] = "search", ["Retriever"] = "bm25", ["Model"] = "minilm",
            ["Input"] = "queries.jsonl", ["Output"] = "out/hits.jsonl", ["Corpus"] = "input.jsonl", ["TopK"] = 2,
        };
        var config = TestConfig.Write(folder, TestConfig.Sieve(jobs: [TestConfig.EmbedJob(), bm25]));
        return SieveProcess.Run(["run", "--config", config, .. args]);
    }

    [Fact]
    public void Run_UnknownJob_ListsTheJobs()
    {
        using var folder = new TempFolder();
        AssertInvalid(RunEmbedJob(folder, Sentences(1), null, "--job", "embd"), "No job named 'embd'. Jobs: embed.");
    }

    [Fact]
    public void Run_MissingModelFile_NamesThePathAndSetting()
    {
        using var folder = new TempFolder();
        AssertInvalid(RunEmbedJob(folder, Sentences(1), "models/missing.onnx"),
            $"Model file not found: {folder.File("models/missing.onnx")} (Sieve:Models:minilm:Path).");
    }

    [Fact]
    public void Run_CorruptModelFile_NamesThePathAndSetting()
    {
        using var folder = new TempFolder();
        var model = folder.File("corrupt.onnx");
        File.WriteAllBytes(model, File.ReadAllBytes(TestPaths.ModelPath).AsSpan(0, 100_000).ToArray());
        AssertInvalid(RunEmbedJob(folder, Sentences(1), model), $"Model file {model} (Sieve:Models:minilm:Path) could not be loaded by ONNX Runtime");
    }

    [Fact]
    public void Run_MissingInputFile_NamesThePathAndSetting()
    {
        using var folder = new TempFolder();
        AssertInvalid(RunEmbedJob(folder, input: null), $"Input file not found: {folder.File("input.jsonl")} (Sieve:Jobs:0:Input).");
    }

    [Fact]
    public void Run_EmptyInputFile_SaysSo()
    {
        using var folder = new TempFolder();
        AssertInvalid(RunEmbedJob(folder, "\n"), "(Sieve:Jobs:0:Input) has no records");
    }

    [Fact]
    public void Run_OutputFolderNotWritable_NamesTheOutputSetting()
    {
        using var folder = new TempFolder();
        folder.Write("out", "a file where the output folder should be");
        AssertInvalid(RunEmbedJob(folder, Sentences(1)), $"Cannot write the output {folder.File("out/embeddings.jsonl")} (Sieve:Jobs:0:Output)");
    }

    [Fact]
    public void Run_ConfigNotJson_NamesTheFile()
    {
        using var folder = new TempFolder();
        var config = folder.Write("appsettings.json", "{ \"Sieve\": { ");
        AssertInvalid(SieveProcess.Run("run", "--config", config), $"Configuration file {config} is not valid JSON");
    }

    [Fact]
    public void Plugins_ListsLoadedAndRefusedWithReasons()
    {
        using var folder = new TempFolder();
        var root = PluginFolder.Create(folder.File("plugins"), PluginFolder.MemoryIndex, PluginFolder.OldContract);
        PluginFolder.AddBrokenDll(root, "Broken");
        var config = TestConfig.Write(folder, TestConfig.Sieve());
        var result = SieveProcess.Run("plugins", "--config", config);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Loaded (1):", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("  memory-index 1.0.0", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("    sparse-index/memory", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Refused (2):", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Broken.dll: not a .NET assembly", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Sieve.TestPlugins.OldContract.dll: contract version mismatch: built against 0.9, this host has {SieveContract.Text}", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_ConfiguredModel_PrintsInputsOpsetAndNodeCounts()
    {
        using var folder = new TempFolder();
        var config = TestConfig.Write(folder, TestConfig.Sieve());
        var result = SieveProcess.Run("inspect", "minilm", "--config", config);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("  input_ids: int64 [", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("  last_hidden_state: float [", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Opsets: ai.onnx ", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"\n  Softmax: 6\r?\n", result.Stdout);
    }

    [Fact]
    public void Inspect_NotAModel_SaysSo()
    {
        using var folder = new TempFolder();
        var bogus = folder.Write("bogus.onnx", "definitely not protobuf \u0001\u0002");
        AssertInvalid(SieveProcess.Run("inspect", bogus, "--config", TestConfig.Write(folder, TestConfig.Sieve())), $"Model file {bogus} is not an ONNX model");
    }

    [Fact]
    public void Run_AttentionKernelThrows_NamesRecordAndOperator_OtherRecordsGoOn()
    {
        using var folder = new TempFolder();
        PluginFolder.Create(folder.File("plugins"), PluginFolder.FaultyAttention);
        var input = TestConfig.Records(("short", "A short one."), ("long", string.Join(' ', Enumerable.Repeat("many words here", 20))), ("tiny", "Hi."));
        var result = RunEmbedJob(folder, input, null, "--set", "Sieve:Operators:attention:Use=faulty", "--set", "Sieve:Operators:attention:Options:ThrowAboveKeys=20");
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("Job embed, line 2, id \"long\":", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("attention/faulty (faulty-attention) in node 'sieve_attention_0': InvalidOperationException:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("2 written, 1 failed", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("operators: attention=faulty (faulty-attention) on 6 nodes", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(["short", "tiny"], ReadJsonl(folder.File("out/embeddings.jsonl")).Select(e => e.GetProperty("id").GetString()).Order());
    }

    [Fact]
    public void Run_AttentionRefusesTheModelsShape_StopsBeforeAnyRecord()
    {
        using var folder = new TempFolder();
        PluginFolder.Create(folder.File("plugins"), PluginFolder.FaultyAttention);
        var result = RunEmbedJob(folder, Sentences(3), null, "--set", "Sieve:Operators:attention:Use=faulty", "--set", "Sieve:Operators:attention:Options:RefuseHeadSize=32");
        AssertInvalid(result, "attention/faulty cannot run layer 0: MatMul-Softmax-MatMul");
        AssertInvalid(result, "head size 32 is not supported by this kernel");
        Assert.False(File.Exists(folder.File("out/embeddings.jsonl.partial")));
    }

    [Fact]
    public void Inspect_Rewrite_SavesAModelOnnxRuntimeLoads()
    {
        using var folder = new TempFolder();
        var config = TestConfig.Write(folder, TestConfig.Sieve());
        var result = SieveProcess.Run("inspect", "minilm", "--config", config, "--rewrite", folder.File("rewritten.onnx"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Slot attention: 6 node groups would be replaced by ai.sieve::Attention", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("layer 5: MatMul-Softmax-MatMul", result.Stdout, StringComparison.Ordinal);
        var again = SieveProcess.Run("inspect", folder.File("rewritten.onnx"), "--config", config);
        Assert.Contains("  ai.sieve::Attention: 6", again.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Softmax", again.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_ContribAttentionModel_ListsTheFusedNodeItReplacesAndTheOneItRefuses()
    {
        using var folder = new TempFolder();
        NodeProto Fused(string name, params string[] inputs) =>
            new() { OpType = "Attention", Domain = "com.microsoft", Name = name, Input = { inputs }, Output = { name + "_y" }, Attribute = { TinyModels.Int("num_heads", 2) } };
        var model = TinyModels.Single(Fused("self", "x", "w", "b", "mask"),
            [TinyModels.Tensor("x", DataType.Float, 2, 7, 16), TinyModels.Tensor("mask", DataType.Int32, 2), TinyModels.Tensor("past", DataType.Float, 2, 2, 2, 3, 8)],
            [TinyModels.Tensor("self_y", DataType.Float, 2, 7, 16), TinyModels.Tensor("cached_y", DataType.Float, 2, 7, 16)], ("", 17), ("com.microsoft", 1));
        model.Graph.Node.Add(Fused("cached", "x", "w", "b", "", "past"));
        model.Graph.Initializer.Add(TinyModels.Initializer("w", new float[16 * 48], 16, 48));
        model.Graph.Initializer.Add(TinyModels.Initializer("b", new float[48], 48));

        var result = SieveProcess.Run("inspect", TinyModels.Save(model, folder, "fused.onnx"), "--config", TestConfig.Write(folder, TestConfig.Sieve()));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("  com.microsoft::Attention: 2", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Slot attention: 1 node groups would be replaced by ai.sieve::Attention", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("layer 0: com.microsoft::Attention [self] inserted MatMul", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("heads 2, kv heads 2, head size 8, scale 1/sqrt(head size), not causal, mask mask", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("not replaceable: com.microsoft::Attention 'cached': past, past_sequence_length and present (a KV cache inside the node) are not supported",
            result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void BenchAndEval_SmallSizes_PrintTheirTables()
    {
        using var folder = new TempFolder();
        folder.Write("input.jsonl", Sentences(12));
        var config = TestConfig.Write(folder, TestConfig.Sieve(pluginsPath: Path.Combine(TestPaths.HostDir, "plugins"), jobs: TestConfig.EmbedJob()));

        var kernels = SieveProcess.Run("bench", "attention", "--config", config, "--kernels-only", "--lengths", "64", "--head-sizes", "8", "--heads", "2");
        Assert.True(kernels.ExitCode == 0, kernels.ToString());
        Assert.Matches(@"\n\s+64\s+8\s+[\d.]+ \(\s*[\d.]+\)\s+[\d.]+\s+[\d.]+x", kernels.Stdout);

        var embed = SieveProcess.Run("bench", "embed", "--config", config, "--records", "48", "--repeat", "1");
        Assert.True(embed.ExitCode == 0, embed.ToString());
        Assert.Matches(@"host / bare: [\d.]+%", embed.Stdout);

        var fidelity = SieveProcess.Run("eval", "embed-fidelity", "--config", config, "--texts", "6", "--densities", "1");
        Assert.True(fidelity.ExitCode == 0, fidelity.ToString());
        Assert.Contains("Fidelity set: 6 texts", fidelity.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"100 %\s+100 %\s+1\.0000\s+1\.0000", fidelity.Stdout); // every block kept: the sparse path equals dense
    }
}
