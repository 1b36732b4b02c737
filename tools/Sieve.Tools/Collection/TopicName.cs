using System.Globalization;
using System.Text;

namespace Sieve.Tools.Collection;

/// <summary>
/// Turns Nave's upper-case topic names into the case a searcher would type: <c>AARON</c> → <c>Aaron</c>,
/// <c>ABEL-BETH-MAACHAH</c> → <c>Abel-Beth-Maachah</c>, <c>AVENGER OF BLOOD</c> → <c>Avenger of Blood</c>,
/// <c>LORD'S SUPPER</c> → <c>Lord's Supper</c>, <c>ANGEL (a spirit)</c> → <c>Angel (a spirit)</c>. Words already in
/// mixed or lower case and Roman numerals (<c>II</c>) stay as they are. Static and thread-safe.
/// </summary>
internal static class TopicName
{
    private static readonly HashSet<string> MinorWords = new(StringComparer.Ordinal)
    {
        "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "with",
    };

    public static string Normalize(string name)
    {
        var words = name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var text = new StringBuilder(name.Length);
        for (var i = 0; i < words.Length; i++)
        {
            if (i > 0)
            {
                text.Append(' ');
            }
            text.Append(Word(words[i], first: i == 0));
        }
        return text.ToString();
    }

    private static string Word(string word, bool first)
    {
        if (word.Any(char.IsLower) || !word.Any(char.IsLetter) || (word.Length > 1 && word.All(c => c is 'I' or 'V' or 'X')))
        {
            return word;
        }
        var lower = word.ToLower(CultureInfo.InvariantCulture);
        if (!first && MinorWords.Contains(lower.TrimEnd(',', ';', ':', '.')))
        {
            return lower;
        }
        var chars = lower.ToCharArray();
        var start = true;
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsLetter(chars[i]))
            {
                if (start)
                {
                    chars[i] = char.ToUpper(chars[i], CultureInfo.InvariantCulture);
                }
                start = false;
            }
            else if (chars[i] is '-' or '(' or '/' or '"')
            {
                start = true;
            }
        }
        return new string(chars);
    }
}
