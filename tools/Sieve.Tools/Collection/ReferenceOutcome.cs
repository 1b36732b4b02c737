namespace Sieve.Tools.Collection;

/// <summary>What became of one Nave reference when expanded against the corpus.</summary>
internal enum ReferenceOutcome
{
    /// <summary>At least one of its verses is in the corpus.</summary>
    Resolved,

    /// <summary>Not a <c>Book.C[.V][-…]</c> reference, or a range that ends before it starts.</summary>
    Malformed,

    /// <summary>The book is neither a canonical book, a known book outside the canon, nor in the Bible module.</summary>
    UnknownBook,

    /// <summary>A real book that the corpus leaves out (deuterocanon when excluded, or absent from the module).</summary>
    OutsideCorpus,

    /// <summary>The chapter or verse is beyond the module's versification.</summary>
    OutOfRange,

    /// <summary>Every verse it names is empty in the module (e.g. verses the WEB moves or omits).</summary>
    NoText,
}
