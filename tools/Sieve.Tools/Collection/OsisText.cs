using System.Net;
using System.Text;

namespace Sieve.Tools.Collection;

/// <summary>
/// Turns a verse's OSIS markup into plain text: drops footnotes, cross-references, titles (psalm superscriptions,
/// section heads) and speaker labels with their content; keeps the words of every other element; collapses
/// white space (the source's spaces stay). Where a dropped element or a line/paragraph break sat between two words, a space separates them
/// ("God&lt;note&gt;…&lt;/note&gt;created" becomes "God created"), but not before closing punctuation.
/// Static and thread-safe.
/// </summary>
internal static class OsisText
{
    /// <summary>Elements whose content is not verse text.</summary>
    private static readonly HashSet<string> Dropped = new(StringComparer.Ordinal) { "note", "title", "speaker", "rdg", "catchWord" };

    /// <summary>Elements that mark a line, paragraph or division: a word boundary even without a space.</summary>
    private static readonly HashSet<string> Breaks = new(StringComparer.Ordinal)
    {
        "l", "lb", "lg", "div", "p", "item", "list", "chapter", "milestone", "br", "verse",
    };

    public static string ToPlain(string markup)
    {
        var text = new StringBuilder(markup.Length);
        string? dropping = null;
        var depth = 0;
        var pendingBreak = false;
        var pendingSpace = false;
        for (var i = 0; i < markup.Length; i++)
        {
            var c = markup[i];
            if (c == '<')
            {
                var end = markup.IndexOf('>', i + 1);
                if (end < 0)
                {
                    break; // A truncated tag ends the text.
                }
                var (name, closing, selfClosing) = Tag(markup.AsSpan(i + 1, end - i - 1));
                i = end;
                if (dropping is not null)
                {
                    if (name == dropping && !selfClosing)
                    {
                        depth += closing ? -1 : 1;
                        if (depth == 0)
                        {
                            dropping = null;
                            pendingBreak = true;
                        }
                    }
                }
                else if (!closing && !selfClosing && Dropped.Contains(name))
                {
                    dropping = name;
                    depth = 1;
                }
                else if (Breaks.Contains(name))
                {
                    pendingBreak = true;
                }
                continue;
            }
            if (dropping is not null)
            {
                continue;
            }
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = true;
                continue;
            }
            if (text.Length > 0 && (pendingSpace || (pendingBreak && NeedsSpace(text[^1], c))))
            {
                text.Append(' ');
            }
            pendingBreak = pendingSpace = false;
            text.Append(c);
        }
        return text.Length == 0 ? "" : WebUtility.HtmlDecode(text.ToString());
    }

    private static (string Name, bool Closing, bool SelfClosing) Tag(ReadOnlySpan<char> inside)
    {
        var closing = inside.Length > 0 && inside[0] == '/';
        var selfClosing = inside.Length > 0 && inside[^1] == '/';
        var start = closing ? 1 : 0;
        var length = 0;
        while (start + length < inside.Length && (char.IsLetterOrDigit(inside[start + length]) || inside[start + length] is ':' or '_' or '-'))
        {
            length++;
        }
        return (inside.Slice(start, length).ToString(), closing, selfClosing);
    }

    /// <summary>Whether a word boundary between <paramref name="before"/> and <paramref name="after"/> shows as a space.</summary>
    private static bool NeedsSpace(char before, char after) =>
        before is not ('“' or '‘' or '(' or '[' or '—' or '-')
        && after is not ('.' or ',' or ';' or ':' or '!' or '?' or '’' or '”' or ')' or ']' or '—' or '…');
}
