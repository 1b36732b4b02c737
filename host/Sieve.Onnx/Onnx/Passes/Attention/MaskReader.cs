using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Sieve.Abstractions;

namespace Sieve.Host.Onnx.Passes.Attention;

/// <summary>
/// Turns an attention node's mask into <see cref="KeyBounds"/>: each batch row's valid keys [start, end) and whether the
/// mask is causal. Supported: none; int32 key lengths [B]; a key-padding mask broadcast over heads and queries
/// ([B, S], [B, 1, S], [B, 1, 1, S], ...), additive float (0 kept, below −1000 masked), 0/1 integer or boolean; an
/// additive float mask per query ([B, T, S], [B, 1, T, S], [B, 1, 1, T, S]) that is key padding, optionally intersected
/// with a causal mask whose queries follow a KV cache (query i of T sees keys up to i + S − T, or, in a cache buffer
/// longer than its filled keys, up to i + E − T where E is the rows' common end of valid keys). The valid keys of a
/// row must be contiguous (left and right padding); anything else (attention biases, holes, other structures) is
/// refused with a message rather than computed wrongly. A per-query mask is checked in full (vectorized, a few
/// milliseconds for 8 × 1000 × 1000), so a wrong guess is impossible.
/// </summary>
internal static class MaskReader
{
    /// <summary>Below this an additive mask value counts as masked.</summary>
    private const float Masked = -1000f;

    /// <summary>The bounds of input <paramref name="maskIndex"/> of a node call (absent: every key of every row).</summary>
    public static KeyBounds Read(ICustomKernelContext context, int maskIndex, int batch, int queries, int keys)
    {
        var starts = new int[batch];
        var ends = new int[batch];
        if (!context.HasInput(maskIndex))
        {
            Array.Fill(ends, keys);
            return new KeyBounds(starts, ends, false);
        }
        var type = context.InputType(maskIndex);
        var shape = type == TensorElementType.Bool ? context.Input<bool>(maskIndex).Shape : type switch
        {
            TensorElementType.Float32 => context.Input<float>(maskIndex).Shape,
            TensorElementType.Int32 => context.Input<int>(maskIndex).Shape,
            TensorElementType.Int64 => context.Input<long>(maskIndex).Shape,
            _ => throw new NotSupportedException($"mask element type {type} is not supported"),
        };
        var dims = shape.Dimensions.ToArray();
        var count = shape.ElementCount;
        if (dims.Length == 1 && type == TensorElementType.Int32 && dims[0] == batch)
        {
            context.Input<int>(maskIndex).Span.CopyTo(ends);
            foreach (var length in ends)
            {
                if (length < 0 || length > keys)
                {
                    throw new NotSupportedException($"key length {length} is outside [0, {keys}]");
                }
            }
            return new KeyBounds(starts, ends, false);
        }
        if (dims.Length is >= 2 and <= 5 && dims[0] == batch && dims[^1] == keys && count == (long)batch * keys)
        {
            for (var b = 0; b < batch; b++)
            {
                (starts[b], ends[b]) = type switch
                {
                    TensorElementType.Float32 => Window(context.Input<float>(maskIndex).Span.Slice(b * keys, keys)),
                    TensorElementType.Int32 => Window(context.Input<int>(maskIndex).Span.Slice(b * keys, keys), x => x == 1, x => x == 0),
                    TensorElementType.Int64 => Window(context.Input<long>(maskIndex).Span.Slice(b * keys, keys), x => x == 1, x => x == 0),
                    _ => Window(MemoryMarshal.AsBytes(context.Input<bool>(maskIndex).Span).Slice(b * keys, keys), x => x != 0, x => x == 0),
                };
            }
            return new KeyBounds(starts, ends, false);
        }
        if (type == TensorElementType.Float32 && dims.Length is >= 3 and <= 5 && dims[0] == batch && dims[^2] == queries && dims[^1] == keys
            && count == (long)batch * queries * keys)
        {
            return PerQuery(context.Input<float>(maskIndex).Span, batch, queries, keys);
        }
        if (dims.Length == 1)
        {
            throw new NotSupportedException($"a 1-D mask [{dims[0]}] ({ElementTypeName(type)}) is not int32 key lengths [batch] for batch {batch}; " +
                "end and start positions ([2·batch]) and other 1-D forms are not supported");
        }
        throw new NotSupportedException($"mask [{string.Join(", ", dims)}] ({ElementTypeName(type)}) is neither int32 key lengths [batch], a key-padding " +
            $"mask [batch, (1, 1,) keys] nor an additive float mask [batch, (1, 1,) queries, keys] for batch {batch}, {queries} queries and {keys} keys");
    }

    private static string ElementTypeName(TensorElementType type) => type switch
    {
        TensorElementType.Float32 => "float",
        TensorElementType.Int32 => "int32",
        TensorElementType.Int64 => "int64",
        TensorElementType.Bool => "bool",
        _ => $"element type {type}",
    };

    /// <summary>
    /// A float mask [B, T, S]: each row's window is read from its last query (which sees every valid key under a causal
    /// mask), then every query of the row is checked against the causal hypothesis (the queries the last keys, or the
    /// last of the filled keys when the key axis is a longer cache buffer), else against plain key padding.
    /// </summary>
    public static KeyBounds PerQuery(ReadOnlySpan<float> mask, int batch, int queries, int keys)
    {
        var starts = new int[batch];
        var ends = new int[batch];
        for (var b = 0; b < batch; b++)
        {
            (starts[b], ends[b]) = Window(mask.Slice(((b * queries) + queries - 1) * keys, keys));
        }
        if (Matches(mask, starts, ends, queries, keys, keys - queries, causal: true, out _))
        {
            return new KeyBounds(starts, ends, true);
        }
        // An in-place cache: the filled keys end at E < S and the queries are the last of them.
        var filled = ends.Max();
        if (filled < keys && Matches(mask, starts, ends, queries, keys, filled - queries, causal: true, out _))
        {
            return new KeyBounds(starts, ends, true) { CausalOffset = filled - queries };
        }
        if (Matches(mask, starts, ends, queries, keys, 0, causal: false, out _))
        {
            return new KeyBounds(starts, ends, false);
        }
        Matches(mask, starts, ends, queries, keys, 0, causal: false, out var why);
        throw new NotSupportedException($"the mask is neither key padding nor causal with key padding: {why}; attention biases are not supported");
    }

    private static bool Matches(ReadOnlySpan<float> mask, int[] starts, int[] ends, int queries, int keys, int offset, bool causal, out string why)
    {
        for (var b = 0; b < starts.Length; b++)
        {
            for (var i = 0; i < queries; i++)
            {
                var row = mask.Slice(((b * queries) + i) * keys, keys);
                var end = causal ? Math.Min(ends[b], i + 1 + offset) : ends[b];
                var start = Math.Min(starts[b], Math.Max(0, end));
                end = Math.Max(start, end);
                if (!AllMasked(row[..start]) || !AllKept(row[start..end]) || !AllMasked(row[end..]))
                {
                    why = $"batch row {b}, query {i} does not keep exactly keys [{start}, {end})";
                    return false;
                }
            }
        }
        why = "";
        return true;
    }

    private static bool AllMasked(ReadOnlySpan<float> values) => values.IsEmpty || TensorPrimitives.Max(values) < Masked;

    private static bool AllKept(ReadOnlySpan<float> values) => values.IsEmpty || TensorPrimitives.MaxMagnitude(values) == 0f;

    /// <summary>The kept keys [start, end) of an additive float row; (0, 0) when every key is masked.</summary>
    private static (int Start, int End) Window(ReadOnlySpan<float> row)
    {
        var start = 0;
        while (start < row.Length && row[start] < Masked)
        {
            start++;
        }
        var end = row.Length;
        while (end > start && row[end - 1] < Masked)
        {
            end--;
        }
        if (start == end)
        {
            return (0, 0);
        }
        if (!AllKept(row[start..end]))
        {
            var at = start + TensorPrimitives.IndexOfMaxMagnitude(row[start..end]);
            throw new NotSupportedException(row[at] < Masked
                ? $"the mask keeps keys on both sides of masked key {at}: only padding at the start or end is supported"
                : $"mask value {row[at]} at key {at} is neither 'kept' nor 'masked': attention biases are not supported");
        }
        return (start, end);
    }

    private static (int Start, int End) Window<T>(ReadOnlySpan<T> row, Func<T, bool> kept, Func<T, bool> masked)
    {
        var start = 0;
        while (start < row.Length && masked(row[start]))
        {
            start++;
        }
        var end = row.Length;
        while (end > start && masked(row[end - 1]))
        {
            end--;
        }
        for (var j = start; j < end; j++)
        {
            if (!kept(row[j]))
            {
                throw new NotSupportedException(masked(row[j])
                    ? $"the mask keeps keys on both sides of masked key {j}: only padding at the start or end is supported"
                    : $"mask value {row[j]} at key {j} is neither 'kept' nor 'masked': attention biases are not supported");
            }
        }
        return start == end ? (0, 0) : (start, end);
    }
}
