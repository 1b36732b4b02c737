using System.Buffers.Binary;

namespace Sieve.Plugins.Retrieval;

/// <summary>
/// The fixed header of an index file (format version 1, little-endian, <see cref="Size"/> bytes). Sections follow
/// in this order: origin (UTF-8), terms (<see cref="TermEntrySize"/> bytes a term), blocks
/// (<see cref="BlockEntrySize"/> bytes a block), postings, document offsets (int64 per document plus one),
/// document ids (UTF-8). The checksum is SHA-256 of the whole file with its own 32 bytes read as zero.
/// </summary>
internal readonly record struct IndexHeader(
    int BlockSize, int VocabularySize, int DocumentCount, long FileLength, long PostingCount, int BlockCount,
    long OriginOffset, int OriginLength, long TermsOffset, long BlocksOffset, long PostingsOffset, long PostingsLength,
    long DocOffsetsOffset, long DocIdsOffset, long DocIdsLength)
{
    public const int Version = 1;
    public const int Size = 160;
    public const int ChecksumOffset = 120;
    public const int ChecksumSize = 32;
    /// <summary>Document frequency (int32), first block (int32), scale (float32), largest impact (uint8), 3 zero bytes.</summary>
    public const int TermEntrySize = 16;
    /// <summary>
    /// Last document (int32), largest impact (uint8), width of the document offsets (uint8: 2 or 4), 2 zero bytes,
    /// file offset of the block's postings (int64). A block's postings are its impacts (uint8 each), then its documents
    /// as offsets from the block's base (0 for a term's first block, else the previous block's last document + 1).
    /// </summary>
    public const int BlockEntrySize = 16;

    public static ReadOnlySpan<byte> Magic => "SIEVEINV"u8;

    public void Write(Span<byte> header)
    {
        header[..Size].Clear();
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], BlockSize);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], VocabularySize);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], DocumentCount);
        BinaryPrimitives.WriteInt64LittleEndian(header[24..], FileLength);
        BinaryPrimitives.WriteInt64LittleEndian(header[32..], PostingCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[40..], BlockCount);
        BinaryPrimitives.WriteInt64LittleEndian(header[48..], OriginOffset);
        BinaryPrimitives.WriteInt32LittleEndian(header[56..], OriginLength);
        BinaryPrimitives.WriteInt64LittleEndian(header[64..], TermsOffset);
        BinaryPrimitives.WriteInt64LittleEndian(header[72..], BlocksOffset);
        BinaryPrimitives.WriteInt64LittleEndian(header[80..], PostingsOffset);
        BinaryPrimitives.WriteInt64LittleEndian(header[88..], PostingsLength);
        BinaryPrimitives.WriteInt64LittleEndian(header[96..], DocOffsetsOffset);
        BinaryPrimitives.WriteInt64LittleEndian(header[104..], DocIdsOffset);
        BinaryPrimitives.WriteInt64LittleEndian(header[112..], DocIdsLength);
    }

    /// <summary>Reads the fields after the magic and version, which the caller has checked.</summary>
    public static IndexHeader Read(ReadOnlySpan<byte> header) => new(
        BinaryPrimitives.ReadInt32LittleEndian(header[12..]),
        BinaryPrimitives.ReadInt32LittleEndian(header[16..]),
        BinaryPrimitives.ReadInt32LittleEndian(header[20..]),
        BinaryPrimitives.ReadInt64LittleEndian(header[24..]),
        BinaryPrimitives.ReadInt64LittleEndian(header[32..]),
        BinaryPrimitives.ReadInt32LittleEndian(header[40..]),
        BinaryPrimitives.ReadInt64LittleEndian(header[48..]),
        BinaryPrimitives.ReadInt32LittleEndian(header[56..]),
        BinaryPrimitives.ReadInt64LittleEndian(header[64..]),
        BinaryPrimitives.ReadInt64LittleEndian(header[72..]),
        BinaryPrimitives.ReadInt64LittleEndian(header[80..]),
        BinaryPrimitives.ReadInt64LittleEndian(header[88..]),
        BinaryPrimitives.ReadInt64LittleEndian(header[96..]),
        BinaryPrimitives.ReadInt64LittleEndian(header[104..]),
        BinaryPrimitives.ReadInt64LittleEndian(header[112..]));

    /// <summary>SHA-256 of <paramref name="file"/> with the checksum field read as zero.</summary>
    public static byte[] Checksum(ReadOnlySpan<byte> file)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        hash.AppendData(file[..ChecksumOffset]);
        hash.AppendData(stackalloc byte[ChecksumSize]);
        hash.AppendData(file[(ChecksumOffset + ChecksumSize)..]);
        return hash.GetHashAndReset();
    }
}
