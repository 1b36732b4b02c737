using System.Buffers;
using Sieve.Abstractions;
using Sieve.Host.Device;
using Sieve.Host.Device.Cuda;

namespace Sieve.Host.Onnx.Bridge;

/// <summary>
/// One <c>ai.sieve::Attention</c> node on ONNX Runtime's CUDA provider: inputs and output are device memory in the
/// primary context, and all work is enqueued on ORT's compute stream for the node (made current for the call, so the
/// implementation's launches and scratch are ordered with ORT's kernels; nothing synchronizes, nothing is copied to
/// the host). Layouts the slot does not take are rearranged on the device ([B, S, H·D] packed inputs, keys stored
/// transposed); a key-padding mask becomes per-row key bounds on the device. A mask per query (a causal LM's) is read on
/// the host, where every query row is checked (one synchronizing copy of [B, T, S] per node). Thread-safe.
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
        var queryShape = new TensorShape(batch, heads, queryLength, headSize);
        var kvShape = new TensorShape(batch, kvHeads, keyLength, headSize);
        using var bounds = device.Allocate(2L * batch * sizeof(int));
        var starts = bounds.Address;
        var ends = new DeviceAddress(bounds.Address.Value + (ulong)(batch * sizeof(int)));
        var perQuery = ReadBounds(mask, batch, queryLength, keyLength, starts, ends);
        var shape = new AttentionShape(heads, kvHeads, headSize, node.Scale > 0 ? node.Scale : 1f / MathF.Sqrt(headSize), node.Causal || perQuery?.Causal == true, node.Layer)
        {
            Device = DeviceKind.Cuda,
            CausalOffset = node.CausalOffsetWith(perQuery ?? KeyBounds.None, queryLength, keyLength),
        };

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

    /// <summary>
    /// Key bounds on the device from the node's mask: none, int32 key lengths [B], an additive key-padding mask, or an
    /// additive mask per query; for the last, what the host read (causal, offset), else null.
    /// </summary>
    private KeyBounds? ReadBounds(OrtTensor? mask, int batch, int queries, int keys, DeviceAddress starts, DeviceAddress ends)
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
        else if (m.ElementType == Float && m.Shape.Length is >= 3 and <= 5 && m.Shape[0] == batch && m.Shape[^2] == queries && m.Shape[^1] == keys
            && m.ElementCount == (long)batch * queries * keys)
        {
            var length = checked((int)m.ElementCount);
            var host = ArrayPool<float>.Shared.Rent(length);
            try
            {
                layouts.Device.Download<float>(m.Address, host.AsSpan(0, length));
                var read = MaskReader.PerQuery(host.AsSpan(0, length), batch, queries, keys);
                layouts.Device.Upload<int>(read.Starts, starts);
                layouts.Device.Upload<int>(read.Ends, ends);
                return read;
            }
            finally
            {
                ArrayPool<float>.Shared.Return(host);
            }
        }
        else
        {
            throw new NotSupportedException($"on CUDA the mask must be absent, int32 key lengths [B], an additive float key-padding mask [B, .., {keys}] " +
                $"or an additive float mask per query [B, .., {queries}, {keys}]; this one is {(m.ElementType == Float ? "float" : $"element type {m.ElementType}")} [{string.Join(", ", m.Shape)}]");
        }
        return null;
    }
}
