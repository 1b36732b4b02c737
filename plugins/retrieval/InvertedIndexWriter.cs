using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Sieve.Abstractions;

namespace Sieve.Plugins.Retrieval;

/// <summary>
/// Accumulates documents in memory; <see cref="Complete"/> writes the whole index to a temporary file beside the
/// target (<c>path.tmp-&lt;random&gt;</c>), flushes it to disk and renames it over the target, so the target is
/// either the previous file or the complete new one. Nothing touches the disk before <see cref="Complete"/>.
/// Not thread-safe.
/// </summary>
public sealed partial class InvertedIndexWriter : ISparseIndexWriter
{
    private readonly string _path;
    private readonly string _origin;
    private readonly InvertedIndexOptions _options;
    private readonly List<string> _ids = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly List<int> _starts = [0];
    private readonly List<int> _terms = [];
    private readonly List<float> _weights = [];
    private int _maxTerm = -1;
    private bool _completed;
    private bool _disposed;

    private InvertedIndexWriter(string path, string origin, InvertedIndexOptions options)
    {
        _path = path;
        _origin = origin;
        _options = options;
    }

    internal static InvertedIndexWriter Create(string path, string origin, InvertedIndexOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(options);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{path}: the folder {folder} does not exist.");
        }
        return new InvertedIndexWriter(path, origin, options);
    }

    /// <summary>Adds one document. Weights must be finite and non-negative; term ids in [0, MaxVocabularySize).</summary>
    /// <exception cref="ArgumentException">The id was already added, or a term id or weight is out of range.</exception>
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
        var terms = vector.Terms;
        var weights = vector.Weights;
        for (var i = 0; i < terms.Length; i++)
        {
            if ((uint)terms[i] >= (uint)_options.MaxVocabularySize)
            {
                throw new ArgumentException(
                    $"Document '{id}': term id {terms[i]} is outside [0, {_options.MaxVocabularySize}) (MaxVocabularySize).", nameof(vector));
            }
            if (!float.IsFinite(weights[i]) || weights[i] < 0)
            {
                throw new ArgumentException($"Document '{id}': term {terms[i]} has weight {weights[i]}; weights must be finite and >= 0.", nameof(vector));
            }
        }
        _seen.Add(id);
        _ids.Add(id);
        _terms.AddRange(terms);
        _weights.AddRange(weights);
        _starts.Add(_terms.Count);
        if (terms.Length > 0)
        {
            _maxTerm = Math.Max(_maxTerm, terms[^1]);
        }
    }

    /// <summary>Writes, flushes and atomically publishes the index.</summary>
    /// <exception cref="InvalidOperationException">Already completed, or the index would exceed 2 GiB.</exception>
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
        _terms.Clear();
        _weights.Clear();
    }

    private ReadOnlySpan<int> Terms => CollectionsMarshal.AsSpan(_terms);

    private ReadOnlySpan<float> Weights => CollectionsMarshal.AsSpan(_weights);

    private ReadOnlySpan<int> Starts => CollectionsMarshal.AsSpan(_starts);
}
