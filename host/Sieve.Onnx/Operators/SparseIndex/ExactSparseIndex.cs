using Sieve.Abstractions;

namespace Sieve.Host.Operators.SparseIndex;

/// <summary>
/// <c>sparse-index/exact</c>, the reference: one file of every document's vector as given (no quantization, no
/// postings), searched by brute force: the exact dot product of the query with every document, the top k best first,
/// ties to the document added first. Slow on large collections by design: it is the oracle an index plugin is checked
/// against. File format: <see cref="ExactIndexFormat"/>. Thread-safe (stateless).
/// </summary>
internal sealed class ExactSparseIndex : ISparseIndex
{
    public const string Name = "exact";

    /// <summary>Starts a writer; the file appears at <paramref name="path"/> only when the writer completes.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    public ISparseIndexWriter Create(string path, string origin) => ExactSparseIndexWriter.Create(path, origin);

    /// <inheritdoc />
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    public ISparseIndexReader Open(string path, string origin) => ExactSparseIndexReader.Open(path, origin);
}
