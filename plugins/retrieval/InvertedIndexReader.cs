using System.Buffers.Binary;
using System.Text;
using Sieve.Abstractions;

namespace Sieve.Plugins.Retrieval;

/// <summary>
/// An open index: the file stays memory-mapped for postings and document ids; term and block metadata are read
/// into memory at open, after the whole file's checksum has been verified. Thread-safe; disposing it while searches
/// run lets them finish, and searches after disposal throw <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed partial class InvertedIndexReader : ISparseIndexReader
{
    private readonly MappedFile _file;
    private readonly int _blockSize;
    private readonly int[] _termFrequency;
    private readonly int[] _termFirstBlock;
    private readonly float[] _termScale;
    private readonly byte[] _termMaxImpact;
    private readonly BlockTable _blocks;
    private readonly int _docOffsetsOffset;
    private readonly int _docIdsOffset;

    private InvertedIndexReader(string path, MappedFile file, string origin)
    {
        Path = path;
        _file = file;
        using var lease = file.Acquire();
        var span = lease.Span;
        var header = CheckHeader(path, span, origin);
        Origin = origin;
        _blockSize = header.BlockSize;
        DocumentCount = header.DocumentCount;
        PostingCount = header.PostingCount;
        _docOffsetsOffset = (int)header.DocOffsetsOffset;
        _docIdsOffset = (int)header.DocIdsOffset;
        var vocabulary = header.VocabularySize;
        _termFrequency = new int[vocabulary];
        _termFirstBlock = new int[vocabulary];
        _termScale = new float[vocabulary];
        _termMaxImpact = new byte[vocabulary];
        _blocks = new BlockTable(header.BlockCount);
        ReadTerms(span, header);
        ReadDocOffsets(span, header);
    }

    /// <summary>The index file.</summary>
    public string Path { get; }

    /// <summary>What produced the vectors (model and head), as recorded at creation.</summary>
    public string Origin { get; }

    /// <summary>Documents in the index; internal document numbers are 0 to this − 1, in the order they were added.</summary>
    public int DocumentCount { get; }

    /// <summary>Term ids below this may have postings; larger query terms are ignored.</summary>
    public int VocabularySize => _termFrequency.Length;

    /// <summary>Postings (document, impact) stored, over all terms.</summary>
    public long PostingCount { get; }

    /// <summary>Bytes on disk.</summary>
    public long FileLength => _file.Length;

    /// <summary>Opens and verifies <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">Truncated, corrupted, another format or version, or another origin.</exception>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    public static InvertedIndexReader Open(string path, string origin)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(origin);
        var file = MappedFile.Open(path);
        try
        {
            return new InvertedIndexReader(path, file, origin);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Dispose() => _file.Dispose();

    private string DocumentId(ReadOnlySpan<byte> file, int doc)
    {
        var entry = file[(_docOffsetsOffset + doc * sizeof(long))..];
        var start = (int)BinaryPrimitives.ReadInt64LittleEndian(entry);
        var end = (int)BinaryPrimitives.ReadInt64LittleEndian(entry[sizeof(long)..]);
        return Encoding.UTF8.GetString(file.Slice(_docIdsOffset + start, end - start));
    }

    private static IndexHeader CheckHeader(string path, ReadOnlySpan<byte> file, string origin)
    {
        if (file.Length < IndexHeader.Magic.Length || !file[..IndexHeader.Magic.Length].SequenceEqual(IndexHeader.Magic))
        {
            throw Invalid(path, "not a Sieve inverted index (wrong magic bytes)");
        }
        if (file.Length < IndexHeader.Size)
        {
            throw Invalid(path, $"truncated: {file.Length} bytes, shorter than the {IndexHeader.Size}-byte header");
        }
        var version = BinaryPrimitives.ReadInt32LittleEndian(file[8..]);
        if (version != IndexHeader.Version)
        {
            throw Invalid(path, $"format version {version}; this build reads version {IndexHeader.Version}");
        }
        var header = IndexHeader.Read(file);
        if (header.FileLength != file.Length)
        {
            throw Invalid(path, header.FileLength > file.Length
                ? $"truncated: the header says {header.FileLength} bytes, the file has {file.Length}"
                : $"{file.Length - header.FileLength} bytes past the {header.FileLength} the header declares");
        }
        if (!IndexHeader.Checksum(file).AsSpan().SequenceEqual(file.Slice(IndexHeader.ChecksumOffset, IndexHeader.ChecksumSize)))
        {
            throw Invalid(path, "checksum mismatch: the file is corrupted");
        }
        CheckSections(path, header);
        var stored = Encoding.UTF8.GetString(file.Slice((int)header.OriginOffset, header.OriginLength));
        if (!string.Equals(stored, origin, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: the index was built from origin '{stored}', but '{origin}' was requested.");
        }
        return header;
    }

    private static void CheckSections(string path, IndexHeader h)
    {
        if (h.BlockSize is < 1 or > 1 << 16 || h.VocabularySize < 0 || h.DocumentCount < 0 || h.BlockCount < 0 || h.PostingCount < 0)
        {
            throw Invalid(path, "invalid counts in the header");
        }
        ReadOnlySpan<(long Offset, long Length)> sections =
        [
            (h.OriginOffset, h.OriginLength),
            (h.TermsOffset, (long)h.VocabularySize * IndexHeader.TermEntrySize),
            (h.BlocksOffset, (long)h.BlockCount * IndexHeader.BlockEntrySize),
            (h.PostingsOffset, h.PostingsLength),
            (h.DocOffsetsOffset, (h.DocumentCount + 1L) * sizeof(long)),
            (h.DocIdsOffset, h.DocIdsLength),
        ];
        foreach (var (offset, length) in sections)
        {
            if (offset < IndexHeader.Size || length < 0 || offset > h.FileLength - length)
            {
                throw Invalid(path, $"a section ({offset}, {length} bytes) lies outside the file");
            }
        }
    }

    private void ReadTerms(ReadOnlySpan<byte> file, IndexHeader h)
    {
        var block = 0;
        long postings = 0;
        var postingsEnd = h.PostingsOffset + h.PostingsLength;
        for (var t = 0; t < _termFrequency.Length; t++)
        {
            var entry = file.Slice((int)h.TermsOffset + t * IndexHeader.TermEntrySize, IndexHeader.TermEntrySize);
            var frequency = BinaryPrimitives.ReadInt32LittleEndian(entry);
            var first = BinaryPrimitives.ReadInt32LittleEndian(entry[4..]);
            var scale = BinaryPrimitives.ReadSingleLittleEndian(entry[8..]);
            if (frequency < 0 || first != block || !float.IsFinite(scale) || scale < 0)
            {
                throw Invalid(Path, $"invalid entry of term {t}");
            }
            var blocks = (int)((frequency + (long)h.BlockSize - 1) / h.BlockSize);
            if (blocks > h.BlockCount - block)
            {
                throw Invalid(Path, $"term {t} has more blocks than the block table");
            }
            _termFrequency[t] = frequency;
            _termFirstBlock[t] = first;
            _termScale[t] = scale;
            _termMaxImpact[t] = entry[12];
            var previousDoc = -1;
            for (var b = block; b < block + blocks; b++)
            {
                var blockEntry = file.Slice((int)h.BlocksOffset + b * IndexHeader.BlockEntrySize, IndexHeader.BlockEntrySize);
                var lastDoc = BinaryPrimitives.ReadInt32LittleEndian(blockEntry);
                var offset = BinaryPrimitives.ReadInt64LittleEndian(blockEntry[8..]);
                var width = blockEntry[5];
                var count = Math.Min(h.BlockSize, frequency - (b - block) * h.BlockSize);
                if (lastDoc <= previousDoc || lastDoc >= h.DocumentCount || width is not (2 or 4) || offset < h.PostingsOffset
                    || offset > postingsEnd - count * (1L + width))
                {
                    throw Invalid(Path, $"invalid block {b} of term {t}");
                }
                _blocks.LastDoc[b] = lastDoc;
                _blocks.MaxImpact[b] = blockEntry[4];
                _blocks.Wide[b] = width == 4;
                _blocks.Offset[b] = (int)offset;
                previousDoc = lastDoc;
            }
            block += blocks;
            postings += frequency;
        }
        if (block != h.BlockCount || postings != h.PostingCount)
        {
            throw Invalid(Path, "the term table does not match the block and posting counts");
        }
    }

    private void ReadDocOffsets(ReadOnlySpan<byte> file, IndexHeader h)
    {
        long previous = 0;
        for (var d = 0; d <= h.DocumentCount; d++)
        {
            var offset = BinaryPrimitives.ReadInt64LittleEndian(file[(int)(h.DocOffsetsOffset + d * sizeof(long))..]);
            if ((d == 0 && offset != 0) || offset < previous || offset > h.DocIdsLength)
            {
                throw Invalid(Path, $"invalid offset of document {d}");
            }
            previous = offset;
        }
        if (previous != h.DocIdsLength)
        {
            throw Invalid(Path, "the document id table does not match its length");
        }
    }

    private static InvalidDataException Invalid(string path, string what) => new($"{path}: {what}.");
}
