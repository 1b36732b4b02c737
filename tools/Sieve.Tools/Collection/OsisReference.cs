using System.Globalization;

namespace Sieve.Tools.Collection;

/// <summary>
/// A parsed OSIS reference: a verse (<c>Ps.34.1</c>), a whole chapter (<c>Exod.28</c>) or a range of either
/// (<c>Ps.34.1-Ps.34.8</c>, <c>Gen.1-Gen.3</c>, across chapters and books). Verse 0 means "the whole chapter"
/// at the start and "to the chapter's end" at the end. <see cref="StartBook"/> and <see cref="EndBook"/> hold the
/// book as written; <see cref="VerseExpander"/> maps them to the module's books.
/// </summary>
internal readonly record struct OsisReference(string StartBook, int StartChapter, int StartVerse, string EndBook, int EndChapter, int EndVerse)
{
    /// <summary>
    /// Parses <c>Book.C[.V][-[Book.]C[.V]]</c>. Beside strict OSIS it takes an end without the book
    /// (<c>Ps.34.1-34.8</c>) and a bare end verse (<c>Ps.34.1-8</c>); spaces around the parts are ignored.
    /// </summary>
    public static bool TryParse(string text, out OsisReference reference)
    {
        reference = default;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var startText = (dash < 0 ? text : text[..dash]).Trim();
        if (!TryParsePoint(startText, null, out var startBook, out var startChapter, out var startVerse) || startBook is null)
        {
            return false;
        }
        if (dash < 0)
        {
            reference = new OsisReference(startBook, startChapter, startVerse, startBook, startChapter, startVerse);
            return true;
        }
        var endText = text[(dash + 1)..].Trim();
        string? endBook;
        int endChapter, endVerse;
        if (int.TryParse(endText, NumberStyles.None, CultureInfo.InvariantCulture, out var bare) && bare > 0)
        {
            // A bare number ends the range in the same chapter (verse) or the same book (chapter).
            (endBook, endChapter, endVerse) = startVerse > 0 ? (startBook, startChapter, bare) : (startBook, bare, 0);
        }
        else if (!TryParsePoint(endText, startBook, out endBook, out endChapter, out endVerse))
        {
            return false;
        }
        reference = new OsisReference(startBook, startChapter, startVerse, endBook!, endChapter, endVerse);
        return true;
    }

    /// <summary>Parses <c>Book.C[.V]</c>, or <c>C.V</c> when <paramref name="defaultBook"/> is given.</summary>
    private static bool TryParsePoint(string text, string? defaultBook, out string? book, out int chapter, out int verse)
    {
        book = null;
        chapter = verse = 0;
        var parts = text.Split('.', StringSplitOptions.TrimEntries);
        var numbers = parts.Length;
        if (parts.Length > 0 && !IsNumber(parts[0]))
        {
            book = parts[0];
            numbers--;
        }
        else
        {
            book = defaultBook;
        }
        if (book is null || book.Length == 0 || numbers is < 1 or > 2)
        {
            return false;
        }
        var first = parts.Length - numbers;
        if (!TryNumber(parts[first], out chapter))
        {
            return false;
        }
        return numbers == 1 || TryNumber(parts[first + 1], out verse);
    }

    private static bool IsNumber(string text) => text.Length > 0 && text.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0;

    private static bool TryNumber(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;

    public override string ToString()
    {
        var start = StartVerse > 0 ? $"{StartBook}.{StartChapter}.{StartVerse}" : $"{StartBook}.{StartChapter}";
        var end = EndVerse > 0 ? $"{EndBook}.{EndChapter}.{EndVerse}" : $"{EndBook}.{EndChapter}";
        return start == end ? start : $"{start}-{end}";
    }
}
