using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace Sieve.Tools.Collection;

/// <summary>
/// Reads a SWORD zText (compressed Bible) module written by osis2mod: every verse slot of both testaments, in
/// module order, with its stored OSIS markup (empty where the translation has no text for that verse).
/// </summary>
/// <remarks>
/// Layout per testament <c>t</c> (<c>ot</c>, <c>nt</c>; integers little-endian):
/// <c>t.bzs</c> 12 bytes per block (offset, compressed size, size) into <c>t.bzz</c> (zlib streams);
/// <c>t.bzv</c> 10 bytes per slot (block uint32, offset uint32, size uint16) into the decompressed block.
/// Slot 0 is the module heading, 1 the testament heading; then each book has a heading slot, each chapter a
/// heading slot, and one slot per verse of the module's versification. Rather than carry a versification table,
/// the reader finds chapters by the <c>&lt;chapter osisID="Gen.1"&gt;</c> start tag osis2mod puts in every chapter
/// heading: the slots after it are the chapter's verses, except that the slot before a chapter 1 is its book's
/// heading. A slot with several chapter starts is not a heading (osis2mod files material outside the versification,
/// such as the WEB's Greek Daniel, into a nearby heading), and chapters must run 1, 2, 3… in each book.
/// Static and thread-safe.
/// </remarks>
internal static partial class ZTextReader
{
    /// <exception cref="SieveException">A file is missing or inconsistent, or no chapter headings were found.</exception>
    public static List<ModuleVerse> ReadAll(string moduleDirectory)
    {
        var verses = new List<ModuleVerse>(40_000);
        foreach (var testament in (string[])["ot", "nt"])
        {
            if (File.Exists(Path.Combine(moduleDirectory, testament + ".bzv")))
            {
                ReadTestament(Path.Combine(moduleDirectory, testament), verses);
            }
        }
        if (verses.Count == 0)
        {
            throw new SieveException($"{moduleDirectory}: no verses found (no ot/nt .bzv files with chapter headings).");
        }
        return verses;
    }

    private static void ReadTestament(string prefix, List<ModuleVerse> verses)
    {
        var bzs = ReadFile(prefix + ".bzs");
        var bzv = ReadFile(prefix + ".bzv");
        var bzz = ReadFile(prefix + ".bzz");
        if (bzs.Length % 12 != 0 || bzv.Length % 10 != 0)
        {
            throw new SieveException($"{prefix}.bzs/.bzv: sizes are not multiples of 12/10 bytes; not a zText module.");
        }
        var blocks = new byte[bzs.Length / 12][];
        string? book = null;
        var chapter = 0;
        var verse = 0;
        var chapterStart = verses.Count;
        var books = new HashSet<string>(StringComparer.Ordinal);
        for (var slot = 2; slot < bzv.Length / 10; slot++)
        {
            var markup = SlotText(prefix, bzs, bzz, blocks, bzv.AsSpan(slot * 10, 10), slot);
            var headings = ChapterStart().Matches(markup);
            // A chapter heading holds exactly one chapter start. Several mean content the versification has no
            // place for (the WEB keeps Greek Daniel's chapters in Hosea's book heading): not a heading.
            if (headings.Count == 1)
            {
                var nextBook = headings[0].Groups[1].Value;
                var nextChapter = int.Parse(headings[0].Groups[2].ValueSpan, provider: null);
                if (nextChapter != (nextBook == book ? chapter + 1 : 1) || (nextBook != book && !books.Add(nextBook)))
                {
                    throw new SieveException(
                        $"{prefix}.bzv, slot {slot}: chapter {nextBook}.{nextChapter} follows {book}.{chapter}; the module's layout is not the one osis2mod writes.");
                }
                if (nextChapter == 1 && verses.Count > chapterStart)
                {
                    // The slot before chapter 1 was the new book's heading, not the last verse of the old chapter.
                    verses.RemoveAt(verses.Count - 1);
                }
                book = nextBook;
                chapter = nextChapter;
                verse = 0;
                chapterStart = verses.Count;
                continue;
            }
            if (book is not null)
            {
                verses.Add(new ModuleVerse(book, chapter, ++verse, markup));
            }
        }
    }

    private static string SlotText(string prefix, byte[] bzs, byte[] bzz, byte[]?[] blocks, ReadOnlySpan<byte> entry, int slot)
    {
        var blockNumber = BinaryPrimitives.ReadUInt32LittleEndian(entry);
        var offset = BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]);
        var size = BinaryPrimitives.ReadUInt16LittleEndian(entry[8..]);
        if (size == 0)
        {
            return "";
        }
        if (blockNumber >= blocks.Length)
        {
            throw new SieveException($"{prefix}.bzv, slot {slot}: block {blockNumber} is not in {prefix}.bzs.");
        }
        var block = blocks[blockNumber] ??= Decompress(prefix, bzs, bzz, (int)blockNumber);
        if ((ulong)offset + size > (ulong)block.Length)
        {
            throw new SieveException($"{prefix}.bzv, slot {slot}: points past the end of block {blockNumber}.");
        }
        return Encoding.UTF8.GetString(block, (int)offset, size);
    }

    private static byte[] Decompress(string prefix, byte[] bzs, byte[] bzz, int blockNumber)
    {
        var offset = BinaryPrimitives.ReadUInt32LittleEndian(bzs.AsSpan(blockNumber * 12));
        var size = BinaryPrimitives.ReadUInt32LittleEndian(bzs.AsSpan(blockNumber * 12 + 4));
        var length = BinaryPrimitives.ReadUInt32LittleEndian(bzs.AsSpan(blockNumber * 12 + 8));
        if ((ulong)offset + size > (ulong)bzz.Length)
        {
            throw new SieveException($"{prefix}.bzs: block {blockNumber} points past the end of {prefix}.bzz.");
        }
        try
        {
            using var input = new MemoryStream(bzz, (int)offset, (int)size, writable: false);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            var data = new byte[length];
            zlib.ReadExactly(data);
            return data;
        }
        catch (Exception error) when (error is InvalidDataException or EndOfStreamException)
        {
            throw new SieveException($"{prefix}.bzz: block {blockNumber} is not a zlib stream of {length} bytes ({error.Message}).", error);
        }
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

    [GeneratedRegex("""<chapter\b[^>]*?\bosisID="([^".]+)\.(\d+)"[^>]*>""", RegexOptions.CultureInvariant)]
    private static partial Regex ChapterStart();
}
