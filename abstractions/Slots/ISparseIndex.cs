using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>Builds and opens on-disk indexes of sparse vectors. Thread-safe.</summary>
[Experimental("SIEVE001")]
public interface ISparseIndex
{
    /// <summary>Starts an index at <paramref name="path"/>; nothing is visible there until the writer completes.</summary>
    /// <param name="path">The index file or folder to create.</param>
    /// <param name="origin">What produced the vectors (model and head), recorded in the index and checked at open.</param>
    ISparseIndexWriter Create(string path, string origin);

    /// <summary>Opens an index for searching.</summary>
    /// <exception cref="InvalidDataException">The index is truncated, corrupted, of another format version, or from another origin.</exception>
    ISparseIndexReader Open(string path, string origin);
}

/// <summary>Adds documents to a new index. Not thread-safe.</summary>
[Experimental("SIEVE001")]
public interface ISparseIndexWriter : IDisposable
{
    /// <summary>Adds one document.</summary>
    void Add(string id, SparseVector vector);

    /// <summary>Writes, flushes and publishes the index. Disposing without completing leaves nothing behind.</summary>
    void Complete();
}

/// <summary>Searches an open index. Thread-safe.</summary>
[Experimental("SIEVE001")]
public interface ISparseIndexReader : IDisposable
{
    /// <summary>Returns the exact top <paramref name="k"/> documents by dot product, best first.</summary>
    IReadOnlyList<SearchHit> Search(SparseVector query, int k);
}

/// <summary>One search result.</summary>
/// <param name="Id">The document's id.</param>
/// <param name="Score">Its score; higher is better.</param>
public readonly record struct SearchHit(string Id, float Score);
