namespace Sieve.Host.Jobs;

/// <summary>
/// Reads a file as raw lines of bytes (split at <c>\n</c>, a trailing <c>\r</c> and a leading UTF-8 byte order mark
/// dropped), so that a line of invalid UTF-8 can be reported for what it is instead of being decoded with U+FFFD
/// replacements as <see cref="StreamReader"/> does.
/// </summary>
internal static class Utf8Lines
{
    private const int ChunkBytes = 1 << 16;

    /// <summary>The file's lines, each with its 1-based number.</summary>
    public static IEnumerable<(long Number, byte[] Bytes)> Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, ChunkBytes);
        var chunk = new byte[ChunkBytes];
        var pending = new List<byte>();
        long number = 0;
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            var start = 0;
            int end;
            while ((end = Array.IndexOf(chunk, (byte)'\n', start, read - start)) >= 0)
            {
                pending.AddRange(new ArraySegment<byte>(chunk, start, end - start));
                yield return (++number, Line(pending, number));
                pending.Clear();
                start = end + 1;
            }
            pending.AddRange(new ArraySegment<byte>(chunk, start, read - start));
        }
        if (pending.Count > 0)
        {
            yield return (++number, Line(pending, number));
        }
    }

    private static byte[] Line(List<byte> bytes, long number)
    {
        var from = number == 1 && bytes.Count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        var to = bytes.Count > from && bytes[^1] == '\r' ? bytes.Count - 1 : bytes.Count;
        return bytes.GetRange(from, to - from).ToArray();
    }
}
