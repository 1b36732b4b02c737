using System.Buffers;
using Sieve.Abstractions;

namespace Sieve.Host.Onnx.Passes.Attention;

/// <summary>
/// One <c>ai.sieve::Attention</c> node: brings query, key and value to [batch, heads, sequence, headSize] (views over
/// ORT's memory where they already are, transposed copies otherwise), turns the mask into key bounds, and calls the
/// configured <see cref="IAttention"/>. Heads-first tensors may carry the heads on several axes: a grouped-query query
/// [B, kvH, G, T, D] is read as [B, kvH·G, T, D] and a key [B, kvH, 1, S, D] (or [B, kvH, S, D]) as [B, kvH, S, D], so
/// query head kvh·G + g uses key head kvh, as the broadcast of the original MatMul did, with no copy. Thread-safe.
/// </summary>
internal sealed class AttentionKernel(IAttention attention, AttentionNodeAttributes node) : ICustomKernel
{
    public void Compute(ICustomKernelContext context)
    {
        var query = context.Input<float>(0);
        var key = context.Input<float>(1);
        var value = context.Input<float>(2);
        var (packed, batch, heads, kvHeads, queryLength, keyLength, headSize) = AttentionNodeSizes.Read(query.Shape, value.Shape, node);
        var bounds = MaskReader.Read(context, 3, batch, queryLength, keyLength);
        var shape = new AttentionShape(heads, kvHeads, headSize, node.Scale > 0 ? node.Scale : 1f / MathF.Sqrt(headSize), node.Causal || bounds.Causal, node.Layer)
        {
            CausalOffset = node.CausalOffsetWith(bounds, queryLength, keyLength),
        };

        var queryShape = new TensorShape(batch, heads, queryLength, headSize);
        var kvShape = new TensorShape(batch, kvHeads, keyLength, headSize);
        var boundsShape = new TensorShape(batch);
        float[]? queryCopy = null, keyCopy = null, valueCopy = null, outputCopy = null;
        try
        {
            Memory<float> q, k, v;
            if (packed)
            {
                q = AttentionLayouts.PackedToHeadsFirst(query.Span, queryCopy = Rent(query.Shape.ElementCount), batch, queryLength, heads, headSize);
                k = AttentionLayouts.PackedToHeadsFirst(key.Span, keyCopy = Rent(key.Shape.ElementCount), batch, keyLength, kvHeads, headSize);
                v = AttentionLayouts.PackedToHeadsFirst(value.Span, valueCopy = Rent(value.Shape.ElementCount), batch, keyLength, kvHeads, headSize);
            }
            else
            {
                q = query.Memory;
                k = node.KeyTransposed
                    ? AttentionLayouts.SwapLastTwo(key.Span, keyCopy = Rent(key.Shape.ElementCount), batch * kvHeads, headSize, keyLength)
                    : key.Memory;
                v = value.Memory;
            }
            var result = packed
                ? (outputCopy = Rent(queryShape.ElementCount)).AsMemory(0, (int)queryShape.ElementCount)
                : context.Output<float>(0, query.Shape).Memory;
            attention.Compute(new AttentionCall
            {
                Shape = shape,
                Query = new TensorView<float>(q, queryShape),
                Key = new TensorView<float>(k, kvShape),
                Value = new TensorView<float>(v, kvShape),
                KeyStarts = new TensorView<int>(bounds.Starts.AsMemory(), boundsShape),
                KeyEnds = new TensorView<int>(bounds.Ends.AsMemory(), boundsShape),
                Output = new TensorView<float>(result, queryShape),
                Context = context.Run,
            });
            if (packed)
            {
                AttentionLayouts.HeadsFirstToPacked(result.Span, context.Output<float>(0, query.Shape).Span, batch, heads, queryLength, headSize);
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

    /// <summary>
    /// Query and key/value heads of heads-first tensors of rank 4 ([B, H, T, D]) or 5 ([B, kvH, G, T, D] with keys
    /// [B, kvH, 1 or G, S, D] or [B, kvH, S, D]); other broadcasts are refused.
    /// </summary>
    public static (int Heads, int KeyValueHeads) HeadsFirst(long[] query, long[] value)
    {
        switch (query.Length, value.Length)
        {
            case (4, 4):
                return ((int)query[1], (int)value[1]);
            case (5, 4) when value[1] == query[1]:
                return ((int)(query[1] * query[2]), (int)value[1]);
            case (5, 5) when value[1] == query[1] && (value[2] == 1 || value[2] == query[2]):
                return ((int)(query[1] * query[2]), (int)(value[1] * value[2]));
            default:
                throw new NotSupportedException($"query [{string.Join(", ", query)}] and value [{string.Join(", ", value)}] are not heads-first " +
                    "[B, H, T, D] tensors or grouped-query [B, kvH, G, T, D] over [B, kvH, (1,) S, D]");
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
