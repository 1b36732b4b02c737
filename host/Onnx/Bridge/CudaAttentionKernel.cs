using Sieve.Abstractions;
using Sieve.Host.Device;
using Sieve.Host.Device.Cuda;

namespace Sieve.Host.Onnx.Bridge;

/// <summary>
/// One <c>ai.sieve::Attention</c> node on ONNX Runtime's CUDA provider: inputs and output are device memory in the
/// primary context, and all work is enqueued on ORT's compute stream for the node (made current for the call, so the
/// implementation's launches and scratch are ordered with ORT's kernels; nothing synchronizes, nothing is copied to
/// the host). Layouts the slot does not take are rearranged on the device ([B, S, H·D] packed inputs, keys stored
/// transposed); the mask becomes per-row key bounds on the device. Thread-safe.
/// </summary>
internal sealed class CudaAttentionKernel(IAttention attention, string description, AttentionNodeAttributes node, DeviceLayouts layouts) : OrtKernel
{
    private const int Float = 1, Int32 = 6;

    public override string Description { get; } = description;

    public override void Compute(OrtKernelContext context)
    {
        using var stream = CudaStreamScope.Enter(context.GpuComputeStream);
        var device = layouts.Device;
        var query = context.Input(0)!.Value;
        var key = context.Input(1)!.Value;
        var value = context.Input(2)!.Value;
        var mask = context.Input(3);
        var (packed, batch, heads, kvHeads, queryLength, keyLength, headSize) = AttentionNodeSizes.Read(query, value, node);
        var shape = new AttentionShape(heads, kvHeads, headSize, node.Scale > 0 ? node.Scale : 1f / MathF.Sqrt(headSize), node.Causal, node.Layer)
        {
            Device = DeviceKind.Cuda,
        };
        var queryShape = new TensorShape(batch, heads, queryLength, headSize);
        var kvShape = new TensorShape(batch, kvHeads, keyLength, headSize);
        using var bounds = device.Allocate(2L * batch * sizeof(int));
        var starts = bounds.Address;
        var ends = new DeviceAddress(bounds.Address.Value + (ulong)(batch * sizeof(int)));
        ReadBounds(mask, batch, queryLength, keyLength, starts, ends);

        var output = context.Output(0, query.Shape);
        using var scratch = device.Allocate(packed ? (queryShape.ElementCount * 2 + kvShape.ElementCount * 2) * sizeof(float)
            : node.KeyTransposed ? kvShape.ElementCount * sizeof(float) : 0);
        DeviceAddress q = query.Address, k = key.Address, v = value.Address, o = output.Address;
        var next = scratch.Address.Value;
        DeviceAddress Take(long elements)
        {
            var address = new DeviceAddress(next);
            next += (ulong)(elements * sizeof(float));
            return address;
        }
        if (packed)
        {
            layouts.SwapMiddleAxes(query.Address, q = Take(queryShape.ElementCount), batch, queryLength, heads, headSize);
            layouts.SwapMiddleAxes(key.Address, k = Take(kvShape.ElementCount), batch, keyLength, kvHeads, headSize);
            layouts.SwapMiddleAxes(value.Address, v = Take(kvShape.ElementCount), batch, keyLength, kvHeads, headSize);
            o = Take(queryShape.ElementCount);
        }
        else if (node.KeyTransposed)
        {
            layouts.SwapLastTwo(key.Address, k = Take(kvShape.ElementCount), batch * kvHeads, headSize, keyLength);
        }
        var boundsShape = new TensorShape(batch);
        attention.Compute(shape,
            new TensorView<float>(q, queryShape, DeviceKind.Cuda), new TensorView<float>(k, kvShape, DeviceKind.Cuda), new TensorView<float>(v, kvShape, DeviceKind.Cuda),
            new TensorView<int>(starts, boundsShape, DeviceKind.Cuda), new TensorView<int>(ends, boundsShape, DeviceKind.Cuda),
            new TensorView<float>(o, queryShape, DeviceKind.Cuda), AttentionRunScope.Current);
        if (packed)
        {
            layouts.SwapMiddleAxes(o, output.Address, batch, heads, queryLength, headSize);
        }
    }

    /// <summary>Key bounds on the device from the node's mask: none, int32 key lengths [B], or an additive key-padding mask.</summary>
    private void ReadBounds(OrtTensor? mask, int batch, int queries, int keys, DeviceAddress starts, DeviceAddress ends)
    {
        if (mask is not { } m)
        {
            layouts.KeyBoundsFromMask(default, starts, ends, batch, keys);
        }
        else if (m.ElementType == Int32 && m.Shape.Length == 1 && m.Shape[0] == batch)
        {
            layouts.KeyBoundsFromLengths(m.Address, starts, ends, batch, keys);
        }
        else if (m.ElementType == Float && m.Shape.Length is >= 2 and <= 5 && m.Shape[0] == batch && m.Shape[^1] == keys && m.ElementCount == (long)batch * keys)
        {
            layouts.KeyBoundsFromMask(m.Address, starts, ends, batch, keys);
        }
        else
        {
            throw new NotSupportedException($"on CUDA the mask must be absent, int32 key lengths [B] or an additive float key-padding mask [B, .., {keys}]; " +
                $"this one is {(m.ElementType == Float ? "float" : $"element type {m.ElementType}")} [{string.Join(", ", m.Shape)}] " +
                $"(masks per query, such as a causal LM's, run on the CPU; {queries} queries here)");
        }
    }
}
