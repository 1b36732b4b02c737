using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Sieve.Plugins.Quantization.Format;

/// <summary>
/// The side file (<c>weights.sqz</c>) holding a model's dense-and-sparse matrices, little-endian:
/// <list type="bullet">
/// <item>8 bytes <c>SIEVESQZ</c>, uint32 format version (1), uint32 length L of the header;</item>
/// <item>L bytes of UTF-8 JSON: <c>{"matrices": [{"name", "inputSize", "outputSize", "bits", "sparseCount", "indices",
/// "centroids", "sparseStarts", "sparseInputs", "sparseValues"}]}</c>, each section <c>{"offset", "bytes"}</c> from the
/// start of the file;</item>
/// <item>the sections, each 64-byte aligned: indices uint32 [N, ⌈K/32⌉·bits] (<see cref="PackedIndices"/>), centroids
/// float16 [N, 2^bits], sparseStarts int32 [N + 1], sparseInputs int32 [nnz], sparseValues float16 [nnz].</item>
/// </list>
/// The file's sha256 is in the quantization manifest (<see cref="QuantizationManifest"/>) and checked before reading.
/// </summary>
internal static class QuantizedWeightsFile
{
    public const int Version = 1;
    private const int Alignment = 64;
    private static readonly byte[] Magic = "SIEVESQZ"u8.ToArray();

    /// <summary>Writes <paramref name="matrices"/> to <paramref name="path"/> (through a temporary file, renamed when complete).</summary>
    public static void Write(string path, IReadOnlyList<DenseSparseMatrix> matrices)
    {
        // Lay the sections out once with a header of the final length: offsets only grow the header by digits, so
        // lay out twice (the second pass sees the header length the first produced).
        var entries = Layout(matrices, 0);
        var headerBytes = Header(entries);
        entries = Layout(matrices, headerBytes.Length + 4096);
        headerBytes = Header(entries);
        var dataStart = Align(16 + headerBytes.Length);
        if (dataStart > entries.FirstOrDefault()?.Indices.Offset)
        {
            throw new InvalidOperationException("the side file's header outgrew its reserved space");
        }
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            Span<byte> prefix = stackalloc byte[16];
            Magic.CopyTo(prefix);
            BinaryPrimitives.WriteUInt32LittleEndian(prefix[8..], Version);
            BinaryPrimitives.WriteUInt32LittleEndian(prefix[12..], (uint)headerBytes.Length);
            file.Write(prefix);
            file.Write(headerBytes);
            for (var i = 0; i < matrices.Count; i++)
            {
                var (m, e) = (matrices[i], entries[i]);
                WriteAt(file, e.Indices, MemoryMarshal.AsBytes(m.Indices.AsSpan()));
                WriteAt(file, e.Centroids, MemoryMarshal.AsBytes(m.Centroids.AsSpan()));
                WriteAt(file, e.SparseStarts, MemoryMarshal.AsBytes(m.SparseStarts.AsSpan()));
                WriteAt(file, e.SparseInputs, MemoryMarshal.AsBytes(m.SparseInputs.AsSpan()));
                WriteAt(file, e.SparseValues, MemoryMarshal.AsBytes(m.SparseValues.AsSpan()));
            }
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads every matrix of the file, by weight name.</summary>
    /// <exception cref="InvalidDataException">The file is not a side file of this version, or a section lies outside it (the message names the file).</exception>
    public static Dictionary<string, DenseSparseMatrix> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 16 || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path} is not a Sieve dense-and-sparse weights file (no SIEVESQZ signature).");
        }
        var version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        if (version != Version)
        {
            throw new InvalidDataException($"{path} is a weights file of format version {version}; this plugin reads version {Version}.");
        }
        var headerLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        if (headerLength > bytes.Length - 16)
        {
            throw new InvalidDataException($"{path}: the header ({headerLength} bytes) runs past the end of the file ({bytes.Length} bytes).");
        }
        SideFileHeader header;
        try
        {
            header = JsonSerializer.Deserialize<SideFileHeader>(bytes.AsSpan(16, (int)headerLength), JsonOptions)
                ?? throw new JsonException("empty header");
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"{path}: the header is not valid ({error.Message}).", error);
        }
        var matrices = new Dictionary<string, DenseSparseMatrix>(StringComparer.Ordinal);
        foreach (var e in header.Matrices)
        {
            try
            {
                matrices[e.Name] = new DenseSparseMatrix(e.Name, e.InputSize, e.OutputSize, e.Bits,
                    Section<uint>(bytes, e.Indices, path, e.Name), Section<Half>(bytes, e.Centroids, path, e.Name),
                    Section<int>(bytes, e.SparseStarts, path, e.Name), Section<int>(bytes, e.SparseInputs, path, e.Name),
                    Section<Half>(bytes, e.SparseValues, path, e.Name));
            }
            catch (ArgumentException invalid)
            {
                throw new InvalidDataException($"{path}: {invalid.Message}", invalid);
            }
            var starts = matrices[e.Name].SparseStarts;
            var inputs = matrices[e.Name].SparseInputs;
            for (var n = 0; n < e.OutputSize; n++)
            {
                if (starts[n + 1] < starts[n])
                {
                    throw new InvalidDataException($"{path}: weight {e.Name}: sparse row starts decrease at channel {n}.");
                }
            }
            foreach (var k in inputs)
            {
                if ((uint)k >= (uint)e.InputSize)
                {
                    throw new InvalidDataException($"{path}: weight {e.Name}: a sparse input index {k} is outside [0, {e.InputSize}).");
                }
            }
        }
        return matrices;
    }

    private static T[] Section<T>(byte[] bytes, SectionEntry section, string path, string name) where T : unmanaged
    {
        var size = Marshal.SizeOf<T>();
        if (section.Offset < 0 || section.Bytes < 0 || section.Offset + section.Bytes > bytes.Length || section.Bytes % size != 0)
        {
            throw new InvalidDataException($"{path}: weight {name}: a section [{section.Offset}, +{section.Bytes}) lies outside the file ({bytes.Length} bytes).");
        }
        return MemoryMarshal.Cast<byte, T>(bytes.AsSpan((int)section.Offset, (int)section.Bytes)).ToArray();
    }

    private static List<MatrixEntry> Layout(IReadOnlyList<DenseSparseMatrix> matrices, int reservedHeader)
    {
        long at = Align(16 + reservedHeader);
        SectionEntry Next(long bytes)
        {
            var section = new SectionEntry(at, bytes);
            at = Align(at + bytes);
            return section;
        }
        return [.. matrices.Select(m => new MatrixEntry(m.Name, m.InputSize, m.OutputSize, m.Bits, m.SparseCount,
            Next(m.Indices.LongLength * 4), Next(m.Centroids.LongLength * 2), Next(m.SparseStarts.LongLength * 4),
            Next(m.SparseInputs.LongLength * 4), Next(m.SparseValues.LongLength * 2)))];
    }

    private static byte[] Header(List<MatrixEntry> entries) => JsonSerializer.SerializeToUtf8Bytes(new SideFileHeader(entries), JsonOptions);

    private static void WriteAt(FileStream file, SectionEntry section, ReadOnlySpan<byte> data)
    {
        if (file.Position < section.Offset)
        {
            file.Write(new byte[section.Offset - file.Position]);
        }
        file.Write(data);
    }

    private static int Align(int value) => (value + Alignment - 1) / Alignment * Alignment;

    private static long Align(long value) => (value + Alignment - 1) / Alignment * Alignment;

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private sealed record SideFileHeader(List<MatrixEntry> Matrices);

    private sealed record MatrixEntry(string Name, int InputSize, int OutputSize, int Bits, int SparseCount, SectionEntry Indices,
        SectionEntry Centroids, SectionEntry SparseStarts, SectionEntry SparseInputs, SectionEntry SparseValues);

    private sealed record SectionEntry(long Offset, long Bytes);
}
