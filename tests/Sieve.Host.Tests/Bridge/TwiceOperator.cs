using Google.Protobuf;
using Sieve.Abstractions;
using Sieve.Host.Onnx.Proto;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests.Bridge;

/// <summary>
/// <c>ai.sieve::Twice</c> (y = 2·x, float), the smallest custom operator ORT's CPU provider can run, and a model with one
/// such node over x [3]. Each kernel created is recorded as a weak reference, so a test can see when ORT destroyed it.
/// </summary>
internal sealed class TwiceOperator
{
    private readonly List<WeakReference> _kernels = [];

    /// <param name="opType">The operator type (the model's node is <c>Twice</c>).</param>
    /// <param name="withCudaKernel">Declare a CUDA kernel too (never run here): on a CUDA session the op then belongs to
    /// the CUDA provider.</param>
    public TwiceOperator(string opType = "Twice", bool withCudaKernel = false)
    {
        Operator = new CustomOperator(opType, [new CustomOperatorInput(TensorElementType.Float32)], [TensorElementType.Float32],
            _ => Record(new Kernel()), withCudaKernel ? _ => throw new InvalidOperationException("no GPU in this test") : null);
    }

    public CustomOperator Operator { get; }

    /// <summary>The kernels ORT created, weakly held.</summary>
    public IReadOnlyList<WeakReference> Kernels
    {
        get
        {
            lock (_kernels)
            {
                return [.. _kernels];
            }
        }
    }

    /// <summary>A model whose one node is <c>ai.sieve::Twice</c> from x [3] to y [3].</summary>
    public static byte[] Model()
    {
        var node = new NodeProto { OpType = "Twice", Domain = GraphNode.SieveDomain, Name = "twice", Input = { "x" }, Output = { "y" } };
        return TinyModels.Single(node, [TinyModels.Tensor("x", TensorProto.Types.DataType.Float, 3)],
            [TinyModels.Tensor("y", TensorProto.Types.DataType.Float, 3)], ("", 17), (GraphNode.SieveDomain, 1)).ToByteArray();
    }

    private Kernel Record(Kernel kernel)
    {
        lock (_kernels)
        {
            _kernels.Add(new WeakReference(kernel));
        }
        return kernel;
    }

    private sealed class Kernel : ICustomKernel
    {
        public void Compute(ICustomKernelContext context)
        {
            var x = context.Input<float>(0);
            var y = context.Output<float>(0, x.Shape);
            for (var i = 0; i < x.Span.Length; i++)
            {
                y.Span[i] = 2 * x.Span[i];
            }
        }
    }
}
