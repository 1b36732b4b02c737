namespace Sieve.Host.Onnx.Bridge;

/// <summary>
/// Turns an attention node's mask into valid key counts per batch row. Supported: none; an additive float mask
/// broadcast over heads and queries ([B, T], [B, 1, T], [B, 1, 1, T]) holding 0 for kept keys and a large negative value
/// for padding; a 0/1 or boolean key-padding mask of those shapes; int32 key lengths [B]. The padding must be at the
/// end of each row; anything else (attention biases, holes) is refused with a message rather than computed wrongly.
/// </summary>
internal static class MaskReader
{
    private const int Float = 1, Int32 = 6, Int64 = 7, Bool = 9;

    public static int[] KeyLengths(OrtTensor? mask, int batch, int keys)
    {
        var lengths = new int[batch];
        if (mask is not { } m)
        {
            Array.Fill(lengths, keys);
            return lengths;
        }
        if (m.Shape.Length == 1 && m.ElementType == Int32 && m.Shape[0] == batch)
        {
            m.Span<int>().CopyTo(lengths);
            foreach (var length in lengths)
            {
                if (length < 0 || length > keys)
                {
                    throw new NotSupportedException($"key length {length} is outside [0, {keys}]");
                }
            }
            return lengths;
        }
        if (m.Shape.Length is < 2 or > 4 || m.Shape[0] != batch || m.Shape[^1] != keys || m.ElementCount != (long)batch * keys)
        {
            throw new NotSupportedException($"mask shape [{string.Join(", ", m.Shape)}] is not a key-padding mask [batch, (1, 1,) keys] for batch {batch} and {keys} keys");
        }
        for (var b = 0; b < batch; b++)
        {
            lengths[b] = m.ElementType switch
            {
                Float => PrefixLength(m.Span<float>().Slice(b * keys, keys), x => x == 0f, x => x < -1000f),
                Int32 => PrefixLength(m.Span<int>().Slice(b * keys, keys), x => x == 1, x => x == 0),
                Int64 => PrefixLength(m.Span<long>().Slice(b * keys, keys), x => x == 1, x => x == 0),
                Bool => PrefixLength(m.Span<byte>().Slice(b * keys, keys), x => x != 0, x => x == 0),
                _ => throw new NotSupportedException($"mask element type {m.ElementType} is not supported"),
            };
        }
        return lengths;
    }

    private static int PrefixLength<T>(ReadOnlySpan<T> row, Func<T, bool> kept, Func<T, bool> masked)
    {
        var length = 0;
        while (length < row.Length && kept(row[length]))
        {
            length++;
        }
        for (var j = length; j < row.Length; j++)
        {
            if (!masked(row[j]))
            {
                throw new NotSupportedException(kept(row[j])
                    ? $"the mask keeps key {j} after masking key {length}: only padding at the end is supported"
                    : $"mask value {row[j]} at key {j} is neither 'kept' nor 'masked': attention biases are not supported");
            }
        }
        return length;
    }
}
