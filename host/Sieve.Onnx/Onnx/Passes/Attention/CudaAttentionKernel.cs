using System.Buffers;
using Sieve.Abstractions;

namespace Sieve.Host.Onnx.Passes.Attention;

/// <summary>
/// One <c>ai.sieve::Attention</c> node on ONNX Runtime's CUDA provider: inputs and output are device memory in the
/// primary context, and all work is enqueued on ORT's compute stream for the node (made current for the call, so the
/// implementation's launches and scratch are ordered with ORT's kernels; nothing synchronizes, nothing is copied to
/// the host). Layouts the slot does not take are rearranged on the device ([B, S, H·D] packed inputs, keys stored
/// transposed); a key-padding mask becomes per-row key bounds on the device. A mask per query (a causal LM's) is read on
/// the host, where every query row is checked (one synchronizing copy of [B, T, S] per node). Thread-safe.
/// </summary>
internal sealed class CudaAttentionKernel(IAttention attention, AttentionNodeAttributes node, DeviceLayouts layouts) : ICustomKernel
{
    public void Compute(ICustomKernelContext context)
    {
        var device = layouts.Device;
        var query = context.Input<float>(0);
        var key = context.Input<float>(1);
        var value = context.Input<float>(2);
        var (packed, batch, heads, kvHeads, queryLength, keyLength, headSize) = AttentionNodeSizes.Read(query.Shape, value.Shape, node);
        var queryShape = new TensorShape(batch, heads, queryLength, headSize);
        var kvShape = new TensorShape(batch, kvHeads, keyLength, headSize);
        using var bounds = device.Allocate(2L * batch * sizeof(int));
        var starts = bounds.Address;
        var ends = new DeviceAddress(bounds.Address.Value + (ulong)(batch * sizeof(int)));
        var perQuery = ReadBounds(context, batch, queryLength, keyLength, starts, ends);
        var shape = new AttentionShape(heads, kvHeads, headSize, node.Scale > 0 ? node.Scale : 1f / MathF.Sqrt(headSize), node.Causal || perQuery?.Causal == true, node.Layer)
        {
            Device = DeviceKind.Cuda,
            CausalOffset = node.CausalOffsetWith(perQuery ?? KeyBounds.None, queryLength, keyLength),
        };

        var output = context.Output<float>(0, query.Shape);
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
        attention.Compute(new AttentionCall
        {
            Shape = shape,
            Query = new TensorView<float>(q, queryShape, DeviceKind.Cuda),
            Key = new TensorView<float>(k, kvShape, DeviceKind.Cuda),
            Value = new TensorView<float>(v, kvShape, DeviceKind.Cuda),
            KeyStarts = new TensorView<int>(starts, boundsShape, DeviceKind.Cuda),
            KeyEnds = new TensorView<int>(ends, boundsShape, DeviceKind.Cuda),
            Output = new TensorView<float>(o, queryShape, DeviceKind.Cuda),
            Context = context.Run,
        });
        if (packed)
        {
            layouts.SwapMiddleAxes(o, output.Address, batch, heads, queryLength, headSize);
        }
    }

    /// <summary>
    /// Key bounds on the device from the node's mask: none, int32 key lengths [B], an additive key-padding mask, or an
    /// additive mask per query; for the last, what the host read (causal, offset), else null.
    /// </summary>
    private KeyBounds? ReadBounds(ICustomKernelContext context, int batch, int queries, int keys, DeviceAddress starts, DeviceAddress ends)
    {
        const int mask = 3;
        if (!context.HasInput(mask))
        {
            layouts.KeyBoundsFromMask(default, starts, ends, batch, keys);
        }
        else if (context.InputType(mask) == TensorElementType.Int32 && context.Input<int>(mask).Shape is { Rank: 1 } lengths && lengths[0] == batch)
        {
            layouts.KeyBoundsFromLengths(context.Input<int>(mask).Address, starts, ends, batch, keys);
        }
        else if (context.InputType(mask) == TensorElementType.Float32 && context.Input<float>(mask).Shape is { Rank: >= 2 and <= 5 } padding
            && padding[0] == batch && padding[-1] == keys && padding.ElementCount == (long)batch * keys)
        {
            layouts.KeyBoundsFromMask(context.Input<float>(mask).Address, starts, ends, batch, keys);
        }
        else if (context.InputType(mask) == TensorElementType.Float32 && context.Input<float>(mask).Shape is { Rank: >= 3 and <= 5 } perQuery
            && perQuery[0] == batch && perQuery[-2] == queries && perQuery[-1] == keys && perQuery.ElementCount == (long)batch * queries * keys)
        {
            var address = context.Input<float>(mask).Address;
            var length = checked((int)perQuery.ElementCount);
            var host = ArrayPool<float>.Shared.Rent(length);
            try
            {
                layouts.Device.Download<float>(address, host.AsSpan(0, length));
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
            var type = context.InputType(mask);
            var shape = type switch
            {
                TensorElementType.Float32 => context.Input<float>(mask).Shape,
                TensorElementType.Int32 => context.Input<int>(mask).Shape,
                TensorElementType.Int64 => context.Input<long>(mask).Shape,
                TensorElementType.Bool => context.Input<bool>(mask).Shape,
                _ => null,
            };
            throw new NotSupportedException($"on CUDA the mask must be absent, int32 key lengths [B], an additive float key-padding mask [B, .., {keys}] " +
                $"or an additive float mask per query [B, .., {queries}, {keys}]; this one is {(type == TensorElementType.Float32 ? "float" : $"element type {type}")} {shape}");
        }
        return null;
    }
}
