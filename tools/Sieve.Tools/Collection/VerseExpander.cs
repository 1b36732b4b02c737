namespace Sieve.Tools.Collection;

/// <summary>
/// Expands references into verse ids using the Bible module's own versification (chapter and verse counts taken
/// from its slots, empty ones included), keeping only verses in the corpus. Immutable after construction;
/// thread-safe for reads.
/// </summary>
internal sealed class VerseExpander
{
    private readonly List<string> _books = [];
    private readonly Dictionary<string, int> _bookIndex = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<List<int>> _chapterLengths = [];
    private readonly IReadOnlySet<string> _corpus;
    private readonly Func<string, bool> _bookInCorpus;

    /// <param name="slots">Every verse slot of the module, in module order.</param>
    /// <param name="corpus">Ids of the verses in the corpus.</param>
    /// <param name="bookInCorpus">Whether a module book (OSIS id) belongs to the corpus.</param>
    public VerseExpander(IEnumerable<ModuleVerse> slots, IReadOnlySet<string> corpus, Func<string, bool> bookInCorpus)
    {
        _corpus = corpus;
        _bookInCorpus = bookInCorpus;
        foreach (var slot in slots)
        {
            if (!_bookIndex.TryGetValue(slot.Book, out var book))
            {
                book = _books.Count;
                _bookIndex.Add(slot.Book, book);
                _books.Add(slot.Book);
                _chapterLengths.Add([]);
            }
            var chapters = _chapterLengths[book];
            while (chapters.Count < slot.Chapter)
            {
                chapters.Add(0);
            }
            chapters[slot.Chapter - 1] = Math.Max(chapters[slot.Chapter - 1], slot.Verse);
        }
    }

    /// <summary>The module's books in order (OSIS ids).</summary>
    public IReadOnlyList<string> Books => _books;

    /// <summary>Verses in a chapter of the module's versification; 0 where the book or chapter is not there.</summary>
    public int VerseCount(string book, int chapter) =>
        _bookIndex.TryGetValue(book, out var b) && chapter >= 1 && chapter <= _chapterLengths[b].Count ? _chapterLengths[b][chapter - 1] : 0;

    /// <summary>
    /// Adds the corpus verses <paramref name="reference"/> covers to <paramref name="verses"/>, in order, and returns
    /// the outcome; <paramref name="withoutText"/> counts its verses that the module leaves empty.
    /// </summary>
    public ReferenceOutcome Expand(OsisReference reference, List<string> verses, out int withoutText)
    {
        withoutText = 0;
        var startOutcome = ResolveBook(reference.StartBook, out var startBook);
        if (startOutcome != ReferenceOutcome.Resolved)
        {
            return startOutcome;
        }
        var endOutcome = ResolveBook(reference.EndBook, out var endBook);
        if (endOutcome != ReferenceOutcome.Resolved)
        {
            return endOutcome;
        }
        var startChapters = _chapterLengths[startBook];
        var endChapters = _chapterLengths[endBook];
        if (reference.StartChapter > startChapters.Count || reference.EndChapter > endChapters.Count
            || reference.StartVerse > startChapters[reference.StartChapter - 1]
            || reference.EndVerse > endChapters[reference.EndChapter - 1])
        {
            return ReferenceOutcome.OutOfRange;
        }
        var start = (Book: startBook, Chapter: reference.StartChapter, Verse: Math.Max(1, reference.StartVerse));
        var end = (Book: endBook, Chapter: reference.EndChapter,
            Verse: reference.EndVerse > 0 ? reference.EndVerse : endChapters[reference.EndChapter - 1]);
        if (start.CompareTo(end) > 0)
        {
            return ReferenceOutcome.Malformed;
        }

        var added = 0;
        for (var at = start; at.CompareTo(end) <= 0; at = Next(at))
        {
            var id = $"{_books[at.Book]}.{at.Chapter}.{at.Verse}";
            if (_corpus.Contains(id))
            {
                verses.Add(id);
                added++;
            }
            else if (_bookInCorpus(_books[at.Book]))
            {
                withoutText++;
            }
        }
        return added > 0 ? ReferenceOutcome.Resolved : ReferenceOutcome.NoText;
    }

    private ReferenceOutcome ResolveBook(string name, out int book)
    {
        if (BibleBooks.TryResolve(name, out var id) && _bookIndex.TryGetValue(id, out book)
            || _bookIndex.TryGetValue(name, out book))
        {
            return _bookInCorpus(_books[book]) ? ReferenceOutcome.Resolved : ReferenceOutcome.OutsideCorpus;
        }
        book = -1;
        return BibleBooks.TryResolve(name, out _) || BibleBooks.IsOutsideCanon(name) ? ReferenceOutcome.OutsideCorpus : ReferenceOutcome.UnknownBook;
    }

    private (int Book, int Chapter, int Verse) Next((int Book, int Chapter, int Verse) at)
    {
        var chapters = _chapterLengths[at.Book];
        if (at.Verse < chapters[at.Chapter - 1])
        {
            return (at.Book, at.Chapter, at.Verse + 1);
        }
        for (var chapter = at.Chapter + 1; chapter <= chapters.Count; chapter++)
        {
            if (chapters[chapter - 1] > 0)
            {
                return (at.Book, chapter, 1);
            }
        }
        return (at.Book + 1, 1, 1);
    }
}
