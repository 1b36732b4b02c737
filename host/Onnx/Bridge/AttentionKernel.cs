using System.Buffers;
using Sieve.Abstractions;

namespace Sieve.Host.Onnx.Bridge;

/// <summary>
/// One <c>ai.sieve::Attention</c> node: brings query, key and value to [batch, heads, sequence, headSize] (views over
/// ORT's memory where they already are, transposed copies otherwise), turns the mask into key lengths, and calls the
/// configured <see cref="IAttention"/>. Thread-safe.
/// </summary>
internal sealed class AttentionKernel(IAttention attention, string description, AttentionNodeAttributes node) : OrtKernel
{
    public override string Description { get; } = description;

    public override void Compute(OrtKernelContext context)
    {
        var query = context.Input(0)!.Value;
        var key = context.Input(1)!.Value;
        var value = context.Input(2)!.Value;
        var mask = context.Input(3);
        var packed = node.Layout == AttentionNodeAttributes.HeadsPacked;
        var heads = packed ? node.QueryHeads : (int)query.Shape[1];
        var kvHeads = packed ? (node.KeyValueHeads > 0 ? node.KeyValueHeads : heads) : (int)value.Shape[1];
        var batch = (int)query.Shape[0];
        var queryLength = (int)(packed ? query.Shape[1] : query.Shape[2]);
        var keyLength = (int)(packed ? value.Shape[1] : value.Shape[2]);
        var headSize = (int)(packed ? query.Shape[2] / heads : query.Shape[3]);
        var shape = new AttentionShape(heads, kvHeads, headSize, node.Scale > 0 ? node.Scale : 1f / MathF.Sqrt(headSize), node.Causal, node.Layer);
        var keyLengths = MaskReader.KeyLengths(mask, batch, keyLength);

        var queryShape = new TensorShape(batch, heads, queryLength, headSize);
        var kvShape = new TensorShape(batch, kvHeads, keyLength, headSize);
        float[]? queryCopy = null, keyCopy = null, valueCopy = null, outputCopy = null;
        try
        {
            Memory<float> q, k, v;
            if (packed)
            {
                q = Layouts.PackedToHeadsFirst(query.Span<float>(), queryCopy = Rent(query.ElementCount), batch, queryLength, heads, headSize);
                k = Layouts.PackedToHeadsFirst(key.Span<float>(), keyCopy = Rent(key.ElementCount), batch, keyLength, kvHeads, headSize);
                v = Layouts.PackedToHeadsFirst(value.Span<float>(), valueCopy = Rent(value.ElementCount), batch, keyLength, kvHeads, headSize);
            }
            else
            {
                q = query.Memory<float>();
                k = node.KeyTransposed
                    ? Layouts.SwapLastTwo(key.Span<float>(), keyCopy = Rent(key.ElementCount), batch * kvHeads, headSize, keyLength)
                    : key.Memory<float>();
                v = value.Memory<float>();
            }
            var result = packed
                ? (outputCopy = Rent(queryShape.ElementCount)).AsMemory(0, (int)queryShape.ElementCount)
                : context.Output(0, [batch, heads, queryLength, headSize]).Memory<float>();
            attention.Compute(shape, new TensorView<float>(q, queryShape), new TensorView<float>(k, kvShape), new TensorView<float>(v, kvShape),
                keyLengths, new TensorView<float>(result, queryShape), AttentionRunScope.Current);
            if (packed)
            {
                Layouts.HeadsFirstToPacked(result.Span, context.Output(0, query.Shape).Span<float>(), batch, heads, queryLength, headSize);
            }
        }
        finally
        {
            Return(queryCopy);
            Return(keyCopy);
            Return(valueCopy);
            Return(outputCopy);
        }
    }

    private static float[] Rent(long length) => ArrayPool<float>.Shared.Rent((int)length);

    private static void Return(float[]? array)
    {
        if (array is not null)
        {
            ArrayPool<float>.Shared.Return(array);
        }
    }
}
