using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Sieve.Host.Operators.SparseIndex;

/// <summary>
/// The file of <c>sparse-index/exact</c>, format version 1, little-endian. A <see cref="HeaderSize"/>-byte header:
/// magic <c>SIEVEEXA</c> (8 bytes), format version (int32), document count (int32), file length (int64), origin length
/// in bytes (int32), 4 zero bytes, SHA-256 of the whole file with its own 32 bytes read as zero. Then the origin (UTF-8),
/// then each document in the order it was added: id length (int32), id (UTF-8), term count n (int32), n term ids
/// (int32, strictly ascending), n weights (float32, finite).
/// </summary>
internal static class ExactIndexFormat
{
    public const int Version = 1;
    public const int HeaderSize = 64;
    public const int VersionOffset = 8;
    public const int DocumentCountOffset = 12;
    public const int FileLengthOffset = 16;
    public const int OriginLengthOffset = 24;
    public const int ChecksumOffset = 32;
    public const int ChecksumSize = 32;

    public static ReadOnlySpan<byte> Magic => "SIEVEEXA"u8;

    /// <summary>Writes the header's fields into <paramref name="file"/> (its first <see cref="HeaderSize"/> bytes), checksum zero.</summary>
    public static void WriteHeader(Span<byte> file, int documentCount, int originLength)
    {
        file[..HeaderSize].Clear();
        Magic.CopyTo(file);
        BinaryPrimitives.WriteInt32LittleEndian(file[VersionOffset..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(file[DocumentCountOffset..], documentCount);
        BinaryPrimitives.WriteInt64LittleEndian(file[FileLengthOffset..], file.Length);
        BinaryPrimitives.WriteInt32LittleEndian(file[OriginLengthOffset..], originLength);
    }

    /// <summary>SHA-256 of <paramref name="file"/> with the checksum field read as zero.</summary>
    public static byte[] Checksum(ReadOnlySpan<byte> file)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(file[..ChecksumOffset]);
        hash.AppendData(stackalloc byte[ChecksumSize]);
        hash.AppendData(file[(ChecksumOffset + ChecksumSize)..]);
        return hash.GetHashAndReset();
    }
}
