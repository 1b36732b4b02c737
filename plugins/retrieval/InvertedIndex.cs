using Sieve.Abstractions;

namespace Sieve.Plugins.Retrieval;

/// <summary>
/// <c>sparse-index/inverted</c>: a single-file inverted index of 8-bit impacts with block-max metadata, searched
/// memory-mapped with MaxScore (exact top-k). The format is described in the plugin's README. Thread-safe (stateless).
/// </summary>
public sealed class InvertedIndex(InvertedIndexOptions options) : ISparseIndex
{
    public const string Name = "inverted";

    /// <summary>Starts a writer; the file appears at <paramref name="path"/> only when the writer completes.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    public ISparseIndexWriter Create(string path, string origin) => InvertedIndexWriter.Create(path, origin, options);

    /// <inheritdoc />
    public ISparseIndexReader Open(string path, string origin) => InvertedIndexReader.Open(path, origin);
}
