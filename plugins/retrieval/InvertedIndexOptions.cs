using System.ComponentModel.DataAnnotations;

namespace Sieve.Plugins.Retrieval;

/// <summary>Options of <c>sparse-index/inverted</c> (<c>Sieve:Operators:sparse-index:Options</c>).</summary>
public sealed class InvertedIndexOptions
{
    /// <summary>Postings per block; each block records its largest impact and last document for pruning.</summary>
    [Range(8, 4096)]
    public int BlockSize { get; set; } = 128;

    /// <summary>Term ids must be below this; it guards the term table against a stray huge id.</summary>
    [Range(1, 1 << 26)]
    public int MaxVocabularySize { get; set; } = 1 << 22;
}
