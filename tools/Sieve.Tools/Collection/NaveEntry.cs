using System.Net;
using System.Text.RegularExpressions;

namespace Sieve.Tools.Collection;

/// <summary>
/// One entry of Nave's Topical Bible as the SWORD module stores it (TEI:
/// <c>&lt;entryFree n="AARON"&gt;&lt;def&gt;… &lt;ref osisRef="Exod.6.16-Exod.6.20"&gt;Ex 6:16-20&lt;/ref&gt;…</c>).
/// <see cref="References"/> holds every <c>osisRef</c> value in order; "See X" cross-references
/// (<c>&lt;ref target="Nave:X"&gt;</c>) carry no verses and are not references.
/// </summary>
internal sealed partial record NaveEntry(string Key, string Name, IReadOnlyList<string> References, int UnmarkedReferences)
{
    public static NaveEntry Parse(ZldEntry entry)
    {
        var name = EntryName().Match(entry.Text);
        var references = new List<string>();
        foreach (Match match in OsisRef().Matches(entry.Text))
        {
            references.Add(WebUtility.HtmlDecode(match.Groups[1].Value));
        }
        // References left as plain text by the module's conversion ("Ge 35:5", "Ch 34:20"): counted, not used.
        var unmarked = UnmarkedReference().Count(RefElement().Replace(entry.Text, " "));
        return new NaveEntry(entry.Key, name.Success ? WebUtility.HtmlDecode(name.Groups[1].Value) : entry.Key, references, unmarked);
    }

    [GeneratedRegex("""<entryFree\b[^>]*?\bn="([^"]*)""", RegexOptions.CultureInvariant)]
    private static partial Regex EntryName();

    [GeneratedRegex("""<ref\b[^>]*?\bosisRef="([^"]*)""", RegexOptions.CultureInvariant)]
    private static partial Regex OsisRef();

    [GeneratedRegex("""<ref\b.*?</ref>""", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex RefElement();

    [GeneratedRegex("""\b(?:[1-3] ?)?[A-Z][a-z]{1,4}\.? \d{1,3}:\d{1,3}""", RegexOptions.CultureInvariant)]
    private static partial Regex UnmarkedReference();
}
