using System.Globalization;

using Sieve.Host.Onnx.Graph;
using Sieve.Host.Onnx.Proto;
using DataType = Sieve.Host.Onnx.Proto.TensorProto.Types.DataType;

namespace Sieve.Host.Onnx.Passes.Attention;

internal static partial class AttentionFinder
{
    /// <summary>
    /// ONNX <c>Attention</c> (opsets 23 and 24; 3-D with <c>q_num_heads</c>/<c>kv_num_heads</c> or 4-D) without a cache:
    /// query, key, value and <c>attn_mask</c>, <c>is_causal</c> and <c>scale</c>. Without past_key or nonpad_kv_seqlen
    /// the spec (its reference implementation: offset 0) and ORT 1.31's CPU kernel align the causal mask top-left, query
    /// i seeing keys 0..i however long the key sequence is, so the node carries a causal offset of 0 (the kernels'
    /// default is bottom-right). The mask broadcasts right-aligned to [B, H, S, T] ([S, T] is per query, [H, S, T] per
    /// head), unlike the contrib operators' [B, T]: a prelude brings it to 4-D with the batch axis expanded (a declared
    /// bool mask becomes additive float first), which the mask reader then takes as [B, 1, S, T] or refuses per head.
    /// Refused: past_key/past_value and present outputs (a KV cache inside the node: ORT then aligns the mask after the
    /// past), nonpad_kv_seqlen, the qk_matmul_output output, softcap, is_causal other than 0 or 1, and a declared element
    /// type other than float.
    /// </summary>
    private static AttentionMatch? OnnxAttention(GraphIndex index, NodeProto node, int layer, out string? reason)
    {
        reason = null;
        string Input(int i) => i < node.Input.Count ? node.Input[i] : "";
        string Output(int i) => i < node.Output.Count ? node.Output[i] : "";
        AttributeProto? Attribute(string name) => node.Attribute.FirstOrDefault(a => a.Name == name);
        if (Input(4).Length > 0 || Input(5).Length > 0)
        {
            return Refuse("past_key/past_value (a KV cache inside the node) are not supported", out reason);
        }
        if (Input(6).Length > 0)
        {
            return Refuse("nonpad_kv_seqlen (opset 24) is not supported", out reason);
        }
        if (node.Input.Count > 7)
        {
            return Refuse($"{node.Input.Count} inputs: only the 7 of Attention's schema are known", out reason);
        }
        if (Output(1).Length > 0 || Output(2).Length > 0 || Output(3).Length > 0 || node.Output.Count > 4)
        {
            return Refuse("present_key/present_value and qk_matmul_output outputs are not supported", out reason);
        }
        if (Attribute("softcap") is { F: not 0f } softcap)
        {
            return Refuse($"softcap {softcap.F.ToString(CultureInfo.InvariantCulture)} is not supported", out reason);
        }
        var isCausal = Attribute("is_causal")?.I ?? 0;
        if (isCausal is not (0 or 1))
        {
            return Refuse($"is_causal {isCausal} is neither 0 nor 1", out reason);
        }
        if (index.ElementType(Input(0)) is { } type && type != DataType.Float)
        {
            return Refuse($"element type {type} is not supported; ai.sieve::Attention takes float", out reason);
        }
        var heads = (int)(Attribute("q_num_heads")?.I ?? 0);
        var kvHeads = (int)(Attribute("kv_num_heads")?.I ?? 0);
        // The heads attributes matter for 3-D inputs only; ORT ignores them on 4-D ones.
        var packed = index.Shape(Input(0)) is { } queryShape ? queryShape.Length == 3 : heads > 0;
        if (packed && (heads <= 0 || kvHeads <= 0))
        {
            return Refuse("3-D inputs need q_num_heads and kv_num_heads", out reason);
        }
        var scale = Attribute("scale")?.F ?? 0f;
        var attributes = new AttentionNodeAttributes(packed ? AttentionNodeAttributes.HeadsPacked : AttentionNodeAttributes.HeadsFirst, false,
            packed ? heads : 0, packed ? kvHeads : 0, 0, scale, isCausal == 1, layer)
        {
            CausalOffset = isCausal == 1 ? 0 : null,
        };
        var mask = Input(3);
        List<NodeProto>? prelude = null;
        if (mask.Length > 0)
        {
            prelude = [];
            mask = BatchedMask(index, prelude, mask, Input(0), $"{node.Output[0]}/sieve_mask_");
        }
        return new AttentionMatch("Attention (ONNX)", [node], Input(0), Input(1), Input(2), mask.Length > 0 ? mask : null, node.Output[0], attributes, Prelude: prelude);
    }

    /// <summary>
    /// attn_mask → [B, H or 1, S, T]: Expand(mask, [B, 1, 1, 1]) with B read from the query (Expand broadcasts
    /// right-aligned, as Attention does), after Where(mask, 0, −∞) for a declared bool mask.
    /// </summary>
    private static string BatchedMask(GraphIndex index, List<NodeProto> prelude, string mask, string query, string prefix)
    {
        string Add(string opType, string name, string[] inputs, params AttributeProto[] attributes)
        {
            prelude.Add(new NodeProto { Name = prefix + name, OpType = opType, Input = { inputs }, Output = { prefix + name }, Attribute = { attributes } });
            return prefix + name;
        }
        if (index.ElementType(mask) == DataType.Bool)
        {
            var kept = Add("Constant", "kept", [], OnnxAttributes.Value(new TensorProto { DataType = (int)DataType.Float, FloatData = { 0f } }));
            var masked = Add("Constant", "masked", [], OnnxAttributes.Value(new TensorProto { DataType = (int)DataType.Float, FloatData = { float.NegativeInfinity } }));
            mask = Add("Where", "additive", [mask, kept, masked]);
        }
        var batch = Add("Shape", "batch", [query], OnnxAttributes.Int("start", 0), OnnxAttributes.Int("end", 1));
        var ones = Add("Constant", "ones", [], OnnxAttributes.Value(new TensorProto { DataType = (int)DataType.Int64, Dims = { 3 }, Int64Data = { 1, 1, 1 } }));
        var shape = Add("Concat", "shape", [batch, ones], OnnxAttributes.Int("axis", 0));
        return Add("Expand", "batched", [mask, shape]);
    }
}
