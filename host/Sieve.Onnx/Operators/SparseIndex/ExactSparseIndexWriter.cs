using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Sieve.Abstractions;

namespace Sieve.Host.Operators.SparseIndex;

/// <summary>
/// Accumulates documents in memory; <see cref="Complete"/> writes the whole file (<see cref="ExactIndexFormat"/>) to a
/// temporary file beside the target (<c>path.tmp-&lt;random&gt;</c>), flushes it to disk and renames it over the
/// target, so the target is either the previous file or the complete new one. Nothing touches the disk before
/// <see cref="Complete"/>. Not thread-safe.
/// </summary>
internal sealed class ExactSparseIndexWriter : ISparseIndexWriter
{
    private readonly string _path;
    private readonly string _origin;
    private readonly List<string> _ids = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly List<SparseVector> _vectors = [];
    private bool _completed;
    private bool _disposed;

    private ExactSparseIndexWriter(string path, string origin)
    {
        _path = path;
        _origin = origin;
    }

    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    public static ExactSparseIndexWriter Create(string path, string origin)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(origin);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{path}: the folder {folder} does not exist.");
        }
        return new ExactSparseIndexWriter(path, origin);
    }

    /// <summary>Adds one document (the vector is immutable, so it is kept as given). Weights must be finite.</summary>
    /// <exception cref="ArgumentException">The id was already added, or a weight is not finite.</exception>
    /// <exception cref="InvalidOperationException">The writer has completed.</exception>
    public void Add(string id, SparseVector vector)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(vector);
        if (_completed)
        {
            throw new InvalidOperationException($"{_path}: the index is complete; no more documents can be added.");
        }
        if (_seen.Contains(id))
        {
            throw new ArgumentException($"Document id '{id}' was already added to {_path}.", nameof(id));
        }
        var weights = vector.Weights;
        for (var i = 0; i < weights.Length; i++)
        {
            if (!float.IsFinite(weights[i]))
            {
                throw new ArgumentException($"Document '{id}': term {vector.Terms[i]} has weight {weights[i]}; weights must be finite.", nameof(vector));
            }
        }
        _seen.Add(id);
        _ids.Add(id);
        _vectors.Add(vector);
    }

    /// <summary>Writes, flushes and atomically publishes the index.</summary>
    /// <exception cref="InvalidOperationException">Already completed, or the file would exceed 2 GiB.</exception>
    /// <exception cref="IOException">Writing failed; the target is left as it was and the temporary file is removed.</exception>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException($"{_path}: the index is already complete.");
        }
        var image = BuildImage();
        var temporary = $"{_path}.tmp-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(image);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, _path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        _completed = true;
    }

    /// <summary>Drops the accumulated documents; without <see cref="Complete"/> nothing was written.</summary>
    public void Dispose()
    {
        _disposed = true;
        _ids.Clear();
        _seen.Clear();
        _vectors.Clear();
    }

    private byte[] BuildImage()
    {
        if (!BitConverter.IsLittleEndian)
        {
            // Terms and weights are copied as raw bytes below.
            throw new PlatformNotSupportedException("The exact index is written little-endian; this machine is big-endian.");
        }
        var origin = Encoding.UTF8.GetBytes(_origin);
        var ids = new byte[_ids.Count][];
        long length = ExactIndexFormat.HeaderSize + origin.Length;
        for (var d = 0; d < ids.Length; d++)
        {
            ids[d] = Encoding.UTF8.GetBytes(_ids[d]);
            length += 2L * sizeof(int) + ids[d].Length + (long)_vectors[d].Count * (sizeof(int) + sizeof(float));
        }
        if (length > Array.MaxLength)
        {
            throw new InvalidOperationException($"{_path}: {length} bytes exceed the exact index's limit of {Array.MaxLength} (2 GiB).");
        }
        var image = new byte[length];
        ExactIndexFormat.WriteHeader(image, ids.Length, origin.Length);
        var at = ExactIndexFormat.HeaderSize;
        origin.CopyTo(image, at);
        at += origin.Length;
        for (var d = 0; d < ids.Length; d++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(image.AsSpan(at), ids[d].Length);
            ids[d].CopyTo(image, at + sizeof(int));
            at += sizeof(int) + ids[d].Length;
            var vector = _vectors[d];
            BinaryPrimitives.WriteInt32LittleEndian(image.AsSpan(at), vector.Count);
            at += sizeof(int);
            var terms = MemoryMarshal.AsBytes(vector.Terms);
            var weights = MemoryMarshal.AsBytes(vector.Weights);
            terms.CopyTo(image.AsSpan(at));
            at += terms.Length;
            weights.CopyTo(image.AsSpan(at));
            at += weights.Length;
        }
        ExactIndexFormat.Checksum(image).CopyTo(image, ExactIndexFormat.ChecksumOffset);
        return image;
    }
}
