namespace Sieve.Host.Onnx.Bridge;

/// <summary>The sizes of one <c>ai.sieve::Attention</c> call, read from its tensors and the node's attributes.</summary>
internal readonly record struct AttentionNodeSizes(bool Packed, int Batch, int Heads, int KeyValueHeads, int QueryLength, int KeyLength, int HeadSize)
{
    /// <summary>Packed [B, S, H·D] inputs take heads from the node; heads-first ones from the tensors (see <see cref="AttentionKernel.HeadsFirst"/>).</summary>
    public static AttentionNodeSizes Read(OrtTensor query, OrtTensor value, AttentionNodeAttributes node)
    {
        var batch = (int)query.Shape[0];
        if (node.Layout == AttentionNodeAttributes.HeadsPacked)
        {
            var heads = node.QueryHeads;
            return new AttentionNodeSizes(true, batch, heads, node.KeyValueHeads > 0 ? node.KeyValueHeads : heads,
                (int)query.Shape[1], (int)value.Shape[1], (int)(query.Shape[2] / heads));
        }
        var (queryHeads, kvHeads) = AttentionKernel.HeadsFirst(query.Shape, value.Shape);
        return new AttentionNodeSizes(false, batch, queryHeads, kvHeads, (int)query.Shape[^2], (int)value.Shape[^2], (int)query.Shape[^1]);
    }
}
