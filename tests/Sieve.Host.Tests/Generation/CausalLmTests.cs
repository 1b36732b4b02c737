using Sieve.Abstractions;
using Sieve.Host.Generation;
using Sieve.Host.Onnx;
using Sieve.Host.Onnx.Proto;
using Sieve.Host.Operators;
using Sieve.Host.Operators.KvCache;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests.Generation;

/// <summary>The LM's in-place KV cache: one buffer a layer, read and written by the graph, nothing copied per step.</summary>
public class CausalLmTests
{
    [Fact]
    public void Run_WritesEachStepsKeysAfterThePastInTheSameBuffer_LeavingThePastUntouched()
    {
        using var model = SieveLm.Model();
        var tokenizer = SieveLm.Tokenizer();
        var prompt = tokenizer.Encode("In the beginning God created the heavens and the earth.");
        const int maxLength = 32;
        var rowLength = maxLength * model.HeadSize;
        using var cache = new DenseKvCache().Allocate(new KvCacheShape(model.Layers, 1, model.KeyValueHeads, maxLength, model.HeadSize));
        var keys = cache.Layer(model.Layers - 1, KvPart.Key);
        var logits = new float[prompt.Length * model.VocabularySize];

        model.Run([.. prompt.Select(t => (long)t)], [.. Enumerable.Range(0, prompt.Length).Select(p => (long)p)], [.. Enumerable.Repeat(1L, prompt.Length)],
            1, prompt.Length, cache, logits);
        cache.Advance(prompt.Length);
        var afterPrefill = keys.Span.ToArray();

        model.Run([42], [prompt.Length], [.. Enumerable.Repeat(1L, prompt.Length + 1)], 1, 1, cache, logits);

        for (var head = 0; head < model.KeyValueHeads; head++)
        {
            var row = keys.Span.Slice(head * rowLength, rowLength);
            var before = afterPrefill.AsSpan(head * rowLength, rowLength);
            Assert.True(before[..(prompt.Length * model.HeadSize)].ContainsAnyExcept(0f), "the prefill wrote its keys into the buffer");
            Assert.True(row[..(prompt.Length * model.HeadSize)].SequenceEqual(before[..(prompt.Length * model.HeadSize)]), "the past is untouched");
            Assert.True(row.Slice(prompt.Length * model.HeadSize, model.HeadSize).ContainsAnyExcept(0f), "the step wrote its key after the past");
            Assert.False(row[((prompt.Length + 1) * model.HeadSize)..].ContainsAnyExcept(0f), "nothing after the step's position");
        }
    }

    [Fact]
    public void Create_ModelThatConcatenatesItsCache_IsRefusedNamingTheFix()
    {
        using var folder = new TempFolder();
        var path = TinyModels.Save(ConcatenatingLm(), folder, "concat-lm.onnx");

        var error = Assert.Throws<SieveException>(() => new CausalLm(ModelSessionFactory.Create(path, "test", [], EmptyServices.Instance), path, 64));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not write its KV cache in place", error.Message, StringComparison.Ordinal);
        Assert.Contains("tools/train-lm/export.py", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The interface of a KV-cache LM whose present is Concat(past, new): present grows by the step.</summary>
    private static ModelProto ConcatenatingLm()
    {
        const TensorProto.Types.DataType I64 = TensorProto.Types.DataType.Int64, F32 = TensorProto.Types.DataType.Float;
        var graph = new GraphProto { Name = "concat-lm" };
        graph.Input.Add(TinyModels.NamedTensor("input_ids", I64, "batch", "seq"));
        graph.Input.Add(TinyModels.NamedTensor("attention_mask", I64, "batch", "total_seq"));
        graph.Input.Add(TinyModels.NamedTensor("position_ids", I64, "batch", "seq"));
        graph.Input.Add(TinyModels.NamedTensor("past_key_values.0.key", F32, "batch", 2, "past_seq", 4));
        graph.Input.Add(TinyModels.NamedTensor("past_key_values.0.value", F32, "batch", 2, "past_seq", 4));
        graph.Input.Add(TinyModels.NamedTensor("new_keys", F32, "batch", 2, "seq", 4));
        graph.Input.Add(TinyModels.NamedTensor("scores", F32, "batch", "seq", 8));
        graph.Output.Add(TinyModels.NamedTensor("logits", F32, "batch", "seq", 8));
        graph.Output.Add(TinyModels.NamedTensor("present.0.key", F32, "batch", 2, "total_seq", 4));
        graph.Output.Add(TinyModels.NamedTensor("present.0.value", F32, "batch", 2, "total_seq", 4));
        graph.Node.Add(new NodeProto { OpType = "Identity", Name = "head", Input = { "scores" }, Output = { "logits" } });
        graph.Node.Add(new NodeProto { OpType = "Concat", Name = "present_k", Input = { "past_key_values.0.key", "new_keys" }, Output = { "present.0.key" }, Attribute = { TinyModels.Int("axis", 2) } });
        graph.Node.Add(new NodeProto { OpType = "Concat", Name = "present_v", Input = { "past_key_values.0.value", "new_keys" }, Output = { "present.0.value" }, Attribute = { TinyModels.Int("axis", 2) } });
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "sieve-tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model;
    }
}
