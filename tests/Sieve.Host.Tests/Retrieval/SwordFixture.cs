using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Sieve.Host.Tests.Retrieval;

/// <summary>
/// Writes tiny SWORD modules in the on-disk formats the collection builder reads (zLD, zText and their
/// <c>mods.d</c> confs), so the readers are tested against bytes written independently of them.
/// </summary>
internal static class SwordFixture
{
    /// <summary>Writes a zLD module at <paramref name="prefix"/> (.idx/.dat/.zdx/.zdt); entries go into blocks of <paramref name="perBlock"/>.</summary>
    /// <param name="entries">Key and text; a text of <c>@LINK</c>KEY makes a link entry.</param>
    public static void WriteZld(string prefix, IReadOnlyList<(string Key, string Text)> entries, int perBlock = 2)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(prefix)!);
        using var idx = new MemoryStream();
        using var dat = new MemoryStream();
        using var zdx = new MemoryStream();
        using var zdt = new MemoryStream();
        var stored = entries.Where(e => !e.Text.StartsWith("@LINK", StringComparison.Ordinal)).ToList();
        var address = new List<(int Block, int Entry)>();
        for (var block = 0; block * perBlock < stored.Count; block++)
        {
            var members = stored.Skip(block * perBlock).Take(perBlock).ToList();
            var texts = members.Select(m => Encoding.UTF8.GetBytes(m.Text + "\0")).ToList();
            using var raw = new MemoryStream();
            WriteUInt32(raw, (uint)members.Count);
            var offset = 4 + 8 * members.Count;
            foreach (var text in texts)
            {
                WriteUInt32(raw, (uint)offset);
                WriteUInt32(raw, (uint)text.Length);
                offset += text.Length;
            }
            texts.ForEach(text => raw.Write(text));
            var compressed = Zlib(raw.ToArray());
            WriteUInt32(zdx, (uint)zdt.Length);
            WriteUInt32(zdx, (uint)compressed.Length);
            zdt.Write(compressed);
            for (var i = 0; i < members.Count; i++)
            {
                address.Add((block, i));
            }
        }
        var next = 0;
        foreach (var (key, text) in entries)
        {
            var start = dat.Length;
            dat.Write(Encoding.UTF8.GetBytes(key + "\r\n"));
            if (text.StartsWith("@LINK", StringComparison.Ordinal))
            {
                dat.Write(Encoding.UTF8.GetBytes(text));
            }
            else
            {
                WriteUInt32(dat, (uint)address[next].Block);
                WriteUInt32(dat, (uint)address[next++].Entry);
            }
            WriteUInt32(idx, (uint)start);
            WriteUInt32(idx, (uint)(dat.Length - start));
            dat.Write("\r\n"u8);
        }
        File.WriteAllBytes(prefix + ".idx", idx.ToArray());
        File.WriteAllBytes(prefix + ".dat", dat.ToArray());
        File.WriteAllBytes(prefix + ".zdx", zdx.ToArray());
        File.WriteAllBytes(prefix + ".zdt", zdt.ToArray());
    }

    /// <summary>
    /// Writes one testament (<paramref name="testament"/> = "ot" or "nt") of a zText module as osis2mod lays it out:
    /// module and testament heading slots, then per book a heading slot, per chapter a heading slot holding
    /// <c>&lt;chapter osisID&gt;</c>, then one slot per verse. Each book's slots go into one compressed block.
    /// </summary>
    /// <param name="books">Book OSIS id, its heading markup, and per chapter the verses' markup ("" = empty slot).</param>
    public static void WriteZText(string directory, string testament, IReadOnlyList<(string Book, string Heading, string[][] Chapters)> books)
    {
        Directory.CreateDirectory(directory);
        using var bzs = new MemoryStream();
        using var bzv = new MemoryStream();
        using var bzz = new MemoryStream();
        WriteSlot(bzv, 0, 0, 0);
        WriteSlot(bzv, 0, 0, 0);
        for (var b = 0; b < books.Count; b++)
        {
            var (book, heading, chapters) = books[b];
            using var raw = new MemoryStream();
            void Slot(string markup)
            {
                var bytes = Encoding.UTF8.GetBytes(markup);
                WriteSlot(bzv, (uint)b, (uint)raw.Length, (ushort)bytes.Length);
                raw.Write(bytes);
            }
            Slot(heading);
            for (var c = 0; c < chapters.Length; c++)
            {
                Slot($"<chapter n=\"{c + 1}\" osisID=\"{book}.{c + 1}\" sID=\"{book}.{c + 1}\"/>");
                foreach (var verse in chapters[c])
                {
                    Slot(verse);
                }
            }
            var compressed = Zlib(raw.ToArray());
            WriteUInt32(bzs, (uint)bzz.Length);
            WriteUInt32(bzs, (uint)compressed.Length);
            WriteUInt32(bzs, (uint)raw.Length);
            bzz.Write(compressed);
        }
        File.WriteAllBytes(Path.Combine(directory, testament + ".bzs"), bzs.ToArray());
        File.WriteAllBytes(Path.Combine(directory, testament + ".bzv"), bzv.ToArray());
        File.WriteAllBytes(Path.Combine(directory, testament + ".bzz"), bzz.ToArray());
    }

    /// <summary>Writes <c>mods.d/&lt;file&gt;.conf</c> for a module.</summary>
    public static void WriteConf(string swordRoot, string name, string dataPath, string driver, string version = "1.0") =>
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(swordRoot, "mods.d")).FullName, name.ToLowerInvariant() + ".conf"),
            $"[{name}]\nDataPath={dataPath}\nModDrv={driver}\nCompressType=ZIP\nVersion={version}\nDescription=Test {name}\n");

    private static byte[] Zlib(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal))
        {
            zlib.Write(data);
        }
        return output.ToArray();
    }

    private static void WriteSlot(Stream stream, uint block, uint offset, ushort size)
    {
        WriteUInt32(stream, block);
        WriteUInt32(stream, offset);
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, size);
        stream.Write(bytes);
    }

    private static void WriteUInt32(Stream stream, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        stream.Write(bytes);
    }
}
