using Microsoft.ML.OnnxRuntime;
using Sieve.Abstractions;
using Sieve.Host.Onnx;
using Sieve.Host.Onnx.Proto;
using Sieve.Host.Operators;
using Sieve.Host.Slots;
using Sieve.Host.Tests.Testing;
using Sieve.Kernels;
using DataType = Sieve.Host.Onnx.Proto.TensorProto.Types.DataType;

namespace Sieve.Host.Tests;

/// <summary>Inside an <c>ai.sieve</c> node, the kernels' parallel loops run on ONNX Runtime's intra-op pool.</summary>
public class IntraOpPoolTests
{
    private const int Batch = 2, Heads = 2, Length = 7, HeadSize = 8;

    [Fact]
    public void Attention_InsideTheSession_LoopsRunOnOrtsPoolEveryIterationOnce()
    {
        using var folder = new TempFolder();
        var probe = new ProbeAttention(failAt: -1);
        using var session = ModelSessionFactory.Create(Model(folder), "test", [Bind(probe)], EmptyServices.Instance);
        using var outputs = Run(session);

        Assert.Equal("OrtIntraOpRunner", probe.RunnerSeen);
        Assert.All(probe.Hits, h => Assert.Equal(1, h));
        Assert.Null(ParallelWork.CurrentRunner); // the scope ends with the node
        // The dense attention computed by the probe still reaches the output.
        Assert.Contains(outputs[0].GetTensorDataAsSpan<float>().ToArray(), v => v != 0);
    }

    [Fact]
    public void Attention_IterationThatThrows_FailsTheRunNamingTheNodeAndTheError()
    {
        using var folder = new TempFolder();
        var probe = new ProbeAttention(failAt: 37);
        using var session = ModelSessionFactory.Create(Model(folder), "test", [Bind(probe)], EmptyServices.Instance);
        var error = Assert.Throws<OnnxRuntimeException>(() => Run(session).Dispose());
        Assert.Contains("attention/probe", error.Message, StringComparison.Ordinal);
        Assert.Contains("iteration 37 failed on purpose", error.Message, StringComparison.Ordinal);

        // The session stays usable: the next run, without the fault, succeeds.
        probe.FailAt = -1;
        using var outputs = Run(session);
        Assert.Equal(Batch * Heads * Length * HeadSize, outputs[0].GetTensorDataAsSpan<float>().Length);
    }

    private static BoundOperator Bind(IAttention attention) =>
        new(new OperatorImplementation(SlotCatalog.Of<IAttention>(), "probe", typeof(object), "test", (_, _) => attention), new object());

    /// <summary>One ONNX Attention (opset 23) over heads-first q, k, v [2, 2, 7, 8].</summary>
    private static string Model(TempFolder folder)
    {
        long[] shape = [Batch, Heads, Length, HeadSize];
        var node = new NodeProto { OpType = "Attention", Name = "attention", Input = { "q", "k", "v" }, Output = { "y" } };
        var model = TinyModels.Single(node, [TinyModels.Tensor("q", DataType.Float, shape), TinyModels.Tensor("k", DataType.Float, shape), TinyModels.Tensor("v", DataType.Float, shape)],
            [TinyModels.Tensor("y", DataType.Float, shape)], ("", 23));
        return TinyModels.Save(model, folder, "attention.onnx");
    }

    private static IDisposableReadOnlyCollection<OrtValue> Run(ModelSession session)
    {
        var random = new Random(7);
        var count = Batch * Heads * Length * HeadSize;
        OrtValue Random() => OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(), [Batch, Heads, Length, HeadSize]);
        return session.Run(new RunOptions(), ["q", "k", "v"], [Random(), Random(), Random()], ["y"]);
    }

    /// <summary>Dense attention that first runs a loop of 100 iterations through <see cref="ParallelWork"/>, recording what ran it.</summary>
    private sealed class ProbeAttention(int failAt) : IAttention
    {
        public int FailAt { get; set; } = failAt;

        public int[] Hits { get; } = new int[100];

        public string? RunnerSeen { get; private set; }

        public string? CheckSupport(AttentionShape shape) => null;

        public void Compute(in AttentionCall attention)
        {
            RunnerSeen = ParallelWork.CurrentRunner?.GetType().Name;
            ParallelWork.For(Hits.Length, i =>
            {
                if (i == FailAt)
                {
                    throw new InvalidOperationException($"iteration {i} failed on purpose");
                }
                Interlocked.Increment(ref Hits[i]);
            });
            MultiHeadAttention.Compute(attention.Query.Memory, attention.Key.Memory, attention.Value.Memory, attention.Output.Memory,
                AttentionDims.Of(attention.Query, attention.Key), attention.KeyStarts.Span.ToArray(), attention.KeyEnds.Span.ToArray(),
                attention.Shape.Scale, attention.Shape.Causal, 64, MultiHeadAttention.AllKeys);
        }
    }
}
