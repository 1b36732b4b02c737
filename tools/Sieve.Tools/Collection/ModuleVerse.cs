namespace Sieve.Tools.Collection;

/// <summary>One verse slot of a Bible module: its OSIS book id, chapter, verse and stored markup (may be empty).</summary>
internal readonly record struct ModuleVerse(string Book, int Chapter, int Verse, string Markup)
{
    /// <summary>The OSIS-style verse id, e.g. <c>Gen.1.1</c>.</summary>
    public string Id => $"{Book}.{Chapter}.{Verse}";
}
