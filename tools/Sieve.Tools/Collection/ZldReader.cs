using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Sieve.Tools.Collection;

/// <summary>
/// Reads a SWORD zLD (compressed lexicon/dictionary) module: every entry's key and text, in index order.
/// </summary>
/// <remarks>
/// Layout (all integers little-endian uint32), for a data path prefix <c>p</c>:
/// <list type="bullet">
/// <item><c>p.idx</c>: one 8-byte record per entry, (offset, size) into <c>p.dat</c>.</item>
/// <item><c>p.dat</c>: at that offset, the key, <c>\r\n</c> (or <c>\n</c>), then either (block, entry) as two
/// uint32 or <c>@LINK</c> followed by the key of another entry.</item>
/// <item><c>p.zdx</c>: one 8-byte record per block, (offset, compressed size) into <c>p.zdt</c>.</item>
/// <item><c>p.zdt</c>: zlib streams; a decompressed block is a uint32 entry count, that many (offset, size) pairs
/// relative to the block start, then the entry texts (each may end with a NUL).</item>
/// </list>
/// Static and thread-safe; reads the whole module into memory (Nave's is 1.5 MB compressed).
/// </remarks>
internal static class ZldReader
{
    /// <exception cref="SieveException">A file is missing, truncated or inconsistent; the message names it.</exception>
    public static List<ZldEntry> ReadAll(string dataPathPrefix)
    {
        var idx = ReadFile(dataPathPrefix + ".idx");
        var dat = ReadFile(dataPathPrefix + ".dat");
        var zdx = ReadFile(dataPathPrefix + ".zdx");
        var zdt = ReadFile(dataPathPrefix + ".zdt");
        if (idx.Length % 8 != 0 || zdx.Length % 8 != 0)
        {
            throw new SieveException($"{dataPathPrefix}.idx/.zdx: size is not a multiple of 8 bytes; not a zLD module.");
        }

        var blocks = new Dictionary<uint, (byte[] Data, int Count)>();
        var entries = new List<ZldEntry>(idx.Length / 8);
        var links = new List<(int Index, string Target)>();
        for (var i = 0; i < idx.Length / 8; i++)
        {
            var offset = BinaryPrimitives.ReadUInt32LittleEndian(idx.AsSpan(i * 8));
            var size = BinaryPrimitives.ReadUInt32LittleEndian(idx.AsSpan(i * 8 + 4));
            if ((ulong)offset + size > (ulong)dat.Length)
            {
                throw new SieveException($"{dataPathPrefix}.idx, entry {i}: points past the end of {dataPathPrefix}.dat.");
            }
            var record = dat.AsSpan((int)offset, (int)size);
            var keyEnd = record.IndexOfAny((byte)'\r', (byte)'\n');
            if (keyEnd < 0)
            {
                throw new SieveException($"{dataPathPrefix}.dat, entry {i}: the key has no line end.");
            }
            var key = Encoding.UTF8.GetString(record[..keyEnd]);
            var rest = record[keyEnd..];
            rest = rest[(rest.Length > 1 && rest[0] == '\r' && rest[1] == '\n' ? 2 : 1)..];
            if (rest.StartsWith("@LINK"u8))
            {
                links.Add((entries.Count, Encoding.UTF8.GetString(rest[5..]).Trim()));
                entries.Add(new ZldEntry(key, ""));
                continue;
            }
            if (rest.Length < 8)
            {
                throw new SieveException($"{dataPathPrefix}.dat, entry {i} ({key}): no block address after the key.");
            }
            var blockNumber = BinaryPrimitives.ReadUInt32LittleEndian(rest);
            var entryNumber = BinaryPrimitives.ReadUInt32LittleEndian(rest[4..]);
            if (!blocks.TryGetValue(blockNumber, out var block))
            {
                block = Decompress(dataPathPrefix, zdx, zdt, blockNumber);
                blocks[blockNumber] = block;
            }
            entries.Add(new ZldEntry(key, EntryText(dataPathPrefix, block, blockNumber, entryNumber)));
        }

        if (links.Count > 0)
        {
            var byKey = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                byKey.TryAdd(entry.Key, entry.Text);
            }
            foreach (var (index, target) in links)
            {
                entries[index] = entries[index] with { Text = byKey.GetValueOrDefault(target, "") };
            }
        }
        return entries;
    }

    private static (byte[] Data, int Count) Decompress(string prefix, byte[] zdx, byte[] zdt, uint blockNumber)
    {
        if ((ulong)blockNumber * 8 + 8 > (ulong)zdx.Length)
        {
            throw new SieveException($"{prefix}.zdx: block {blockNumber} is not in the block index.");
        }
        var offset = BinaryPrimitives.ReadUInt32LittleEndian(zdx.AsSpan((int)blockNumber * 8));
        var size = BinaryPrimitives.ReadUInt32LittleEndian(zdx.AsSpan((int)blockNumber * 8 + 4));
        if ((ulong)offset + size > (ulong)zdt.Length)
        {
            throw new SieveException($"{prefix}.zdx: block {blockNumber} points past the end of {prefix}.zdt.");
        }
        byte[] data;
        try
        {
            using var input = new MemoryStream(zdt, (int)offset, (int)size, writable: false);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            zlib.CopyTo(output);
            data = output.ToArray();
        }
        catch (InvalidDataException error)
        {
            throw new SieveException($"{prefix}.zdt: block {blockNumber} is not a zlib stream ({error.Message}).", error);
        }
        if (data.Length < 4)
        {
            throw new SieveException($"{prefix}.zdt: block {blockNumber} is too short.");
        }
        var count = BinaryPrimitives.ReadUInt32LittleEndian(data);
        if ((ulong)count * 8 + 4 > (ulong)data.Length)
        {
            throw new SieveException($"{prefix}.zdt: block {blockNumber} claims {count} entries but has {data.Length} bytes.");
        }
        return (data, (int)count);
    }

    private static string EntryText(string prefix, (byte[] Data, int Count) block, uint blockNumber, uint entryNumber)
    {
        if (entryNumber >= block.Count)
        {
            throw new SieveException($"{prefix}.zdt: block {blockNumber} has {block.Count} entries, not {entryNumber + 1}.");
        }
        var at = 4 + (int)entryNumber * 8;
        var offset = BinaryPrimitives.ReadUInt32LittleEndian(block.Data.AsSpan(at));
        var size = BinaryPrimitives.ReadUInt32LittleEndian(block.Data.AsSpan(at + 4));
        if ((ulong)offset + size > (ulong)block.Data.Length)
        {
            throw new SieveException($"{prefix}.zdt: block {blockNumber}, entry {entryNumber} points past the block's end.");
        }
        var text = block.Data.AsSpan((int)offset, (int)size);
        var nul = text.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul >= 0 ? text[..nul] : text);
    }

    private static byte[] ReadFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new SieveException($"Cannot read SWORD module file {path}: {error.Message}", error);
        }
    }
}
