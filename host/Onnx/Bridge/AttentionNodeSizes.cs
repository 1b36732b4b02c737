namespace Sieve.Host.Onnx.Bridge;

/// <summary>The sizes of one <c>ai.sieve::Attention</c> call, read from its tensors and the node's attributes.</summary>
internal readonly record struct AttentionNodeSizes(bool Packed, int Batch, int Heads, int KeyValueHeads, int QueryLength, int KeyLength, int HeadSize)
{
    /// <summary>
    /// Packed [B, S, H·D] inputs take heads from the node; heads-first ones from the tensors (see
    /// <see cref="AttentionKernel.HeadsFirst"/>). The kernels take one head size for query, key and value: a value head
    /// size that differs (ONNX <c>Attention</c> allows it) is refused, as are packed inputs that are not 3-D.
    /// </summary>
    public static AttentionNodeSizes Read(OrtTensor query, OrtTensor value, AttentionNodeAttributes node)
    {
        var batch = (int)query.Shape[0];
        AttentionNodeSizes sizes;
        long valueHeadSize;
        if (node.Layout == AttentionNodeAttributes.HeadsPacked)
        {
            if (query.Shape.Length != 3 || value.Shape.Length != 3)
            {
                throw new NotSupportedException($"query [{string.Join(", ", query.Shape)}] and value [{string.Join(", ", value.Shape)}] are not packed [B, S, heads × head size] tensors");
            }
            var heads = node.QueryHeads;
            var kvHeads = node.KeyValueHeads > 0 ? node.KeyValueHeads : heads;
            sizes = new AttentionNodeSizes(true, batch, heads, kvHeads, (int)query.Shape[1], (int)value.Shape[1], (int)(query.Shape[2] / heads));
            valueHeadSize = value.Shape[2] / kvHeads;
        }
        else
        {
            var (queryHeads, kvHeads) = AttentionKernel.HeadsFirst(query.Shape, value.Shape);
            sizes = new AttentionNodeSizes(false, batch, queryHeads, kvHeads, (int)query.Shape[^2], (int)value.Shape[^2], (int)query.Shape[^1]);
            valueHeadSize = value.Shape[^1];
        }
        if (valueHeadSize != sizes.HeadSize)
        {
            throw new NotSupportedException($"value head size {valueHeadSize} differs from the query's {sizes.HeadSize}: the kernels take one head size");
        }
        return sizes;
    }
}
