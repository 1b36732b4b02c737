using System.Buffers.Binary;
using System.Text;
using Sieve.Abstractions;

namespace Sieve.Host.Operators.SparseIndex;

/// <summary>
/// An open exact index: the whole file is read and verified at <see cref="Open"/> (magic, version, length, checksum,
/// origin, then every document), and held in memory as flat arrays. <see cref="Search"/> scores every document.
/// Thread-safe; searches after <see cref="Dispose"/> throw <see cref="ObjectDisposedException"/>.
/// </summary>
internal sealed class ExactSparseIndexReader : ISparseIndexReader
{
    private readonly string[] _ids;
    private readonly int[] _starts;
    private readonly int[] _terms;
    private readonly float[] _weights;
    private volatile bool _disposed;

    private ExactSparseIndexReader(string[] ids, int[] starts, int[] terms, float[] weights)
    {
        _ids = ids;
        _starts = starts;
        _terms = terms;
        _weights = weights;
    }

    /// <summary>Documents in the index, numbered 0 to this − 1 in the order they were added.</summary>
    public int DocumentCount => _ids.Length;

    /// <summary>Reads and verifies <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">Truncated, corrupted, another format or version, or another origin.</exception>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    public static ExactSparseIndexReader Open(string path, string origin)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(origin);
        var file = File.ReadAllBytes(path);
        var (documents, originLength) = CheckHeader(path, file, origin);
        return Read(path, file, documents, ExactIndexFormat.HeaderSize + originLength);
    }

    /// <summary>
    /// The exact top <paramref name="k"/> by dot product, best first. A document is a candidate when it shares a term
    /// with the query where both weights are non-zero (a document that shares none is never returned, even with k
    /// larger than the matches); its score is the sum of query weight × document weight over the shared terms, in float,
    /// in ascending term order. Ties go to the document added first (the order of <see cref="ISparseIndexWriter.Add"/>),
    /// as in <c>sparse-index/inverted</c>. Thread-safe.
    /// </summary>
    /// <exception cref="ArgumentException">A query weight is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is negative.</exception>
    public IReadOnlyList<SearchHit> Search(SparseVector query, int k)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        foreach (var weight in query.Weights)
        {
            if (!float.IsFinite(weight))
            {
                throw new ArgumentException($"Query weights must be finite; got {weight}.", nameof(query));
            }
        }
        var candidates = new List<(float Score, int Doc)>();
        for (var d = 0; d < _ids.Length; d++)
        {
            if (Score(query, d) is { } score)
            {
                candidates.Add((score, d));
            }
        }
        candidates.Sort(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Doc.CompareTo(b.Doc));
        var hits = new SearchHit[Math.Min(k, candidates.Count)];
        for (var i = 0; i < hits.Length; i++)
        {
            hits[i] = new SearchHit(_ids[candidates[i].Doc], candidates[i].Score);
        }
        return hits;
    }

    public void Dispose() => _disposed = true;

    /// <summary>The dot product of <paramref name="query"/> with document <paramref name="doc"/> (a merge of two ascending term lists), or null when they share no term of non-zero weights.</summary>
    private float? Score(SparseVector query, int doc)
    {
        var queryTerms = query.Terms;
        var queryWeights = query.Weights;
        var terms = _terms.AsSpan(_starts[doc], _starts[doc + 1] - _starts[doc]);
        var weights = _weights.AsSpan(_starts[doc], terms.Length);
        var score = 0f;
        var matched = false;
        int i = 0, j = 0;
        while (i < queryTerms.Length && j < terms.Length)
        {
            if (queryTerms[i] < terms[j])
            {
                i++;
            }
            else if (queryTerms[i] > terms[j])
            {
                j++;
            }
            else
            {
                if (queryWeights[i] != 0 && weights[j] != 0)
                {
                    score += queryWeights[i] * weights[j];
                    matched = true;
                }
                i++;
                j++;
            }
        }
        return matched ? score : null;
    }

    private static (int Documents, int OriginLength) CheckHeader(string path, byte[] file, string origin)
    {
        var magic = ExactIndexFormat.Magic;
        if (file.Length < magic.Length || !file.AsSpan(0, magic.Length).SequenceEqual(magic))
        {
            throw Invalid(path, "not a Sieve exact index (wrong magic bytes)");
        }
        if (file.Length < ExactIndexFormat.HeaderSize)
        {
            throw Invalid(path, $"truncated: {file.Length} bytes, shorter than the {ExactIndexFormat.HeaderSize}-byte header");
        }
        var version = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(ExactIndexFormat.VersionOffset));
        if (version != ExactIndexFormat.Version)
        {
            throw Invalid(path, $"format version {version}; this build reads version {ExactIndexFormat.Version}");
        }
        var declared = BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(ExactIndexFormat.FileLengthOffset));
        if (declared != file.Length)
        {
            throw Invalid(path, declared > file.Length
                ? $"truncated: the header says {declared} bytes, the file has {file.Length}"
                : $"{file.Length - declared} bytes past the {declared} the header declares");
        }
        if (!ExactIndexFormat.Checksum(file).AsSpan().SequenceEqual(file.AsSpan(ExactIndexFormat.ChecksumOffset, ExactIndexFormat.ChecksumSize)))
        {
            throw Invalid(path, "checksum mismatch: the file is corrupted");
        }
        var documents = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(ExactIndexFormat.DocumentCountOffset));
        var originLength = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(ExactIndexFormat.OriginLengthOffset));
        if (documents < 0 || originLength < 0 || originLength > file.Length - ExactIndexFormat.HeaderSize)
        {
            throw Invalid(path, "invalid counts in the header");
        }
        var stored = Encoding.UTF8.GetString(file, ExactIndexFormat.HeaderSize, originLength);
        if (!string.Equals(stored, origin, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: the index was built from origin '{stored}', but '{origin}' was requested.");
        }
        return (documents, originLength);
    }

    /// <summary>Reads the documents after the origin, checking every length against the file (the checksum only proves the writer wrote it).</summary>
    private static ExactSparseIndexReader Read(string path, byte[] file, int documents, int at)
    {
        var ids = new string[documents];
        var starts = new int[documents + 1];
        var terms = new List<int>();
        var weights = new List<float>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var d = 0; d < documents; d++)
        {
            var idLength = ReadLength(path, file, ref at, d, 1);
            ids[d] = Encoding.UTF8.GetString(file, at, idLength);
            at += idLength;
            if (!seen.Add(ids[d]))
            {
                throw Invalid(path, $"document {d} repeats the id '{ids[d]}'");
            }
            var count = ReadLength(path, file, ref at, d, sizeof(int) + sizeof(float));
            for (var i = 0; i < count; i++)
            {
                var term = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at + i * sizeof(int)));
                var weight = BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan(at + (count + i) * sizeof(int)));
                if (term < 0 || (i > 0 && term <= terms[^1]) || !float.IsFinite(weight))
                {
                    throw Invalid(path, $"document {d} has an invalid term or weight at position {i}");
                }
                terms.Add(term);
                weights.Add(weight);
            }
            at += count * (sizeof(int) + sizeof(float));
            starts[d + 1] = terms.Count;
        }
        if (at != file.Length)
        {
            throw Invalid(path, $"{file.Length - at} bytes after the last document");
        }
        return new ExactSparseIndexReader(ids, starts, [.. terms], [.. weights]);
    }

    /// <summary>Reads an int32 count at <paramref name="at"/> whose items of <paramref name="itemSize"/> bytes must fit in the rest of the file.</summary>
    private static int ReadLength(string path, byte[] file, ref int at, int doc, int itemSize)
    {
        if (at > file.Length - sizeof(int))
        {
            throw Invalid(path, $"document {doc} runs past the end of the file");
        }
        var count = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at));
        at += sizeof(int);
        if (count < 0 || count > (file.Length - at) / itemSize)
        {
            throw Invalid(path, $"document {doc} runs past the end of the file");
        }
        return count;
    }

    private static InvalidDataException Invalid(string path, string reason) => new($"{path}: {reason}.");
}
