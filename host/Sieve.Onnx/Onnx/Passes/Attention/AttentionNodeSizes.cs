using Sieve.Abstractions;

namespace Sieve.Host.Onnx.Passes.Attention;

/// <summary>The sizes of one <c>ai.sieve::Attention</c> call, read from its tensors and the node's attributes.</summary>
internal readonly record struct AttentionNodeSizes(bool Packed, int Batch, int Heads, int KeyValueHeads, int QueryLength, int KeyLength, int HeadSize)
{
    /// <summary>
    /// Packed [B, S, H·D] inputs take heads from the node; heads-first ones from the tensors (see
    /// <see cref="AttentionKernel.HeadsFirst"/>). The kernels take one head size for query, key and value: a value head
    /// size that differs (ONNX <c>Attention</c> allows it) is refused, as are packed inputs that are not 3-D.
    /// </summary>
    public static AttentionNodeSizes Read(TensorShape queryShape, TensorShape valueShape, AttentionNodeAttributes node)
    {
        var (query, value) = (queryShape.Dimensions.ToArray(), valueShape.Dimensions.ToArray());
        var batch = (int)query[0];
        AttentionNodeSizes sizes;
        long valueHeadSize;
        if (node.Layout == AttentionNodeAttributes.HeadsPacked)
        {
            if (query.Length != 3 || value.Length != 3)
            {
                throw new NotSupportedException($"query [{string.Join(", ", query)}] and value [{string.Join(", ", value)}] are not packed [B, S, heads × head size] tensors");
            }
            var heads = node.QueryHeads;
            var kvHeads = node.KeyValueHeads > 0 ? node.KeyValueHeads : heads;
            sizes = new AttentionNodeSizes(true, batch, heads, kvHeads, (int)query[1], (int)value[1], (int)(query[2] / heads));
            valueHeadSize = value[2] / kvHeads;
        }
        else
        {
            var (queryHeads, kvHeads) = AttentionKernel.HeadsFirst(query, value);
            sizes = new AttentionNodeSizes(false, batch, queryHeads, kvHeads, (int)query[^2], (int)value[^2], (int)query[^1]);
            valueHeadSize = value[^1];
        }
        if (valueHeadSize != sizes.HeadSize)
        {
            throw new NotSupportedException($"value head size {valueHeadSize} differs from the query's {sizes.HeadSize}: the kernels take one head size");
        }
        return sizes;
    }
}
