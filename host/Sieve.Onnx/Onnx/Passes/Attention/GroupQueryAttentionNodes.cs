using Sieve.Host.Onnx.Graph;
using Sieve.Host.Onnx.Proto;
using DataType = Sieve.Host.Onnx.Proto.TensorProto.Types.DataType;

namespace Sieve.Host.Onnx.Passes.Attention;

/// <summary>
/// Builds the plain ONNX nodes that take over a <c>com.microsoft::GroupQueryAttention</c>'s layouts and KV cache around
/// one heads-first <c>ai.sieve::Attention</c> node: the <see cref="Prelude"/> (Reshape → Transpose to [B, heads, S, H],
/// Split of packed QKV, Concat with the past, key lengths and their guard) and the <see cref="Epilogue"/> (back to
/// [B, S, N·H]). Every name starts with a prefix unique to the replaced node; constants are Constant nodes, so the
/// rewrite adds no initializer. Not thread-safe (one per match).
/// </summary>
internal sealed class GroupQueryAttentionNodes(string prefix, long opset)
{
    private static readonly long[] HeadsFirstPerm = [0, 2, 1, 3];

    public List<NodeProto> Prelude { get; } = [];

    public List<NodeProto> Epilogue { get; } = [];

    /// <summary>[B, S, heads·H] → [B, heads, S, H], named <paramref name="name"/> when given (a present output).</summary>
    public string HeadsFirst(string packed, int heads, string tag, string name)
    {
        var shape = Constant(Prelude, tag + "_heads_shape", 0, 0, heads, -1);
        var split = Add(Prelude, "Reshape", tag + "_split_heads", [packed, shape], prefix + tag + "_bsnh");
        return Add(Prelude, "Transpose", tag + "_heads_first", [split], name.Length > 0 ? name : prefix + tag, OnnxAttributes.Ints("perm", HeadsFirstPerm));
    }

    /// <summary>
    /// Packed QKV [B, S, (N + 2·kvN)·H] → one [B, N + 2·kvN, S, H] tensor split on the heads axis into query, key and
    /// value; without a past the key and value are present_key and present_value themselves.
    /// </summary>
    public (string Query, string Key, string Value) HeadsFirstPacked(string packed, int heads, int kvHeads, string presentKey, string presentValue, bool hasPast)
    {
        var all = HeadsFirst(packed, heads + 2 * kvHeads, "qkv", "");
        var (query, key, value) = (prefix + "q", hasPast || presentKey.Length == 0 ? prefix + "k" : presentKey, hasPast || presentValue.Length == 0 ? prefix + "v" : presentValue);
        var split = new NodeProto { Name = prefix + "qkv_split", OpType = "Split", Input = { all }, Output = { query, key, value }, Attribute = { OnnxAttributes.Int("axis", 1) } };
        if (opset >= 13)
        {
            // Opset 13 moved the split sizes from an attribute to an input (and 18 still takes them there).
            split.Input.Add(Constant(Prelude, "qkv_split_sizes", heads, kvHeads, kvHeads));
        }
        else
        {
            split.Attribute.Add(OnnxAttributes.Ints("split", heads, kvHeads, kvHeads));
        }
        Prelude.Add(split);
        return (query, key, value);
    }

    /// <summary>Concat(past, new) on the sequence axis: the present cache, under the node's output name when it has one.</summary>
    public string AfterPast(string past, string current, string present, string tag) =>
        Add(Prelude, "Concat", tag + "_present", [past, current], present.Length > 0 ? present : prefix + tag + "_present", OnnxAttributes.Int("axis", 2));

    /// <summary>
    /// Key lengths seqlens_k + 1 (int32 [B]), the mask the kernel reads as right padding. With a past they pass through a
    /// guard: Reshape(lengths, [−1]) when the past is empty or every row is full (length = key axis of the present),
    /// Reshape(lengths, [−2]) otherwise, which ORT refuses, naming this node, whose name says why.
    /// </summary>
    public string KeyLengths(string seqlensK, string? past, string presentKey, string node)
    {
        var one = Add(Prelude, "Constant", "one", [], prefix + "one",
            OnnxAttributes.Value(new TensorProto { DataType = (int)DataType.Int32, Dims = { 1 }, Int32Data = { 1 } }));
        var lengths = Add(Prelude, "Add", "key_lengths", [seqlensK, one], prefix + "key_lengths");
        if (past is null)
        {
            return lengths;
        }
        var axis2 = Constant(Prelude, "axis_2", 2);
        var pastLength = Add(Prelude, "Gather", "past_length", [Add(Prelude, "Shape", "past_shape", [past], prefix + "past_shape"), axis2], prefix + "past_length", OnnxAttributes.Int("axis", 0));
        var keys = Add(Prelude, "Gather", "key_count", [Add(Prelude, "Shape", "present_shape", [presentKey], prefix + "present_shape"), axis2], prefix + "key_count", OnnxAttributes.Int("axis", 0));
        var emptyPast = Add(Prelude, "Equal", "past_is_empty", [pastLength, Constant(Prelude, "zero", 0)], prefix + "past_is_empty");
        var wideLengths = Add(Prelude, "Cast", "key_lengths_int64", [lengths], prefix + "key_lengths_int64", OnnxAttributes.Int("to", (long)DataType.Int64));
        var full = Add(Prelude, "Equal", "rows_full", [wideLengths, keys], prefix + "rows_full");
        var fine = Add(Prelude, "Or", "rows_fine", [full, emptyPast], prefix + "rows_fine");
        var allFine = Add(Prelude, "ReduceMin", "all_rows_fine", [Add(Prelude, "Cast", "rows_fine_int64", [fine], prefix + "rows_fine_int64", OnnxAttributes.Int("to", (long)DataType.Int64))],
            prefix + "all_rows_fine", OnnxAttributes.Int("keepdims", 1));
        var shape = Add(Prelude, "Sub", "guard_shape", [allFine, Constant(Prelude, "two", 2)], prefix + "guard_shape");
        // ORT's error names the failing node, so the name carries the reason a run is refused.
        return Add(Prelude, "Reshape",
            $"guard: {node} is substituted only without a past or with every row full (seqlens_k + 1 = past + new tokens); " +
            "a right-padded past or one shared with present (a fixed-size buffer) is not supported",
            [lengths, shape], prefix + "key_lengths_checked");
    }

    /// <summary>The attention node's [B, N, S, H] output (returned) → Transpose → Reshape → <paramref name="output"/> [B, S, N·H].</summary>
    public string BackToPacked(string output)
    {
        var heads = prefix + "heads_output";
        var shape = Constant(Epilogue, "packed_shape", 0, 0, -1);
        var sequenceFirst = Add(Epilogue, "Transpose", "sequence_first", [heads], prefix + "bsnh_output", OnnxAttributes.Ints("perm", HeadsFirstPerm));
        Add(Epilogue, "Reshape", "merge_heads", [sequenceFirst, shape], output);
        return heads;
    }

    private string Add(List<NodeProto> nodes, string opType, string name, string[] inputs, string output, params AttributeProto[] attributes)
    {
        nodes.Add(new NodeProto { Name = prefix + name, OpType = opType, Input = { inputs }, Output = { output }, Attribute = { attributes } });
        return output;
    }

    /// <summary>A Constant node holding int64 <paramref name="values"/> [n].</summary>
    private string Constant(List<NodeProto> nodes, string name, params long[] values) =>
        Add(nodes, "Constant", name, [], prefix + name,
            OnnxAttributes.Value(new TensorProto { DataType = (int)DataType.Int64, Dims = { values.Length }, Int64Data = { values } }));
}
