namespace Sieve.Tools.Collection;

/// <summary>
/// The 66 books of the Protestant canon by OSIS id, in canonical order, and the names and abbreviations that
/// map to them: OSIS ids, SWORD/Nave abbreviations (<c>Ge</c>, <c>Jos</c>, <c>1Ch</c>, <c>Mr</c>, <c>Php</c>…)
/// and English names. Lookups ignore case, spaces and dots. Static, immutable, thread-safe.
/// </summary>
internal static class BibleBooks
{
    /// <summary>OSIS id, then aliases (other than the id itself).</summary>
    private static readonly string[][] Table =
    [
        ["Gen", "Ge", "Gn", "Genesis"], ["Exod", "Ex", "Exo", "Exodus"], ["Lev", "Le", "Lv", "Leviticus"],
        ["Num", "Nu", "Nm", "Numbers"], ["Deut", "De", "Dt", "Deu", "Deuteronomy"], ["Josh", "Jos", "Joshua"],
        ["Judg", "Jud", "Jdg", "Judges"], ["Ruth", "Ru", "Rut"], ["1Sam", "1Sa", "ISamuel", "1Samuel"],
        ["2Sam", "2Sa", "IISamuel", "2Samuel"], ["1Kgs", "1Ki", "1Kin", "IKings", "1Kings"],
        ["2Kgs", "2Ki", "2Kin", "IIKings", "2Kings"], ["1Chr", "1Ch", "IChronicles", "1Chronicles"],
        ["2Chr", "2Ch", "IIChronicles", "2Chronicles"], ["Ezra", "Ezr"], ["Neh", "Ne", "Nehemiah"],
        ["Esth", "Es", "Est", "Esther"], ["Job", "Jb"], ["Ps", "Psa", "Psalm", "Psalms"], ["Prov", "Pr", "Pro", "Proverbs"],
        ["Eccl", "Ec", "Ecc", "Ecclesiastes", "Qoh"], ["Song", "So", "Sos", "SongofSolomon", "SongofSongs", "Canticles"],
        ["Isa", "Is", "Isaiah"], ["Jer", "Je", "Jeremiah"], ["Lam", "La", "Lamentations"], ["Ezek", "Eze", "Ezk", "Ezekiel"],
        ["Dan", "Da", "Dn", "Daniel"], ["Hos", "Ho", "Hosea"], ["Joel", "Joe", "Jl"], ["Amos", "Am"],
        ["Obad", "Ob", "Oba", "Obadiah"], ["Jonah", "Jon", "Jnh"], ["Mic", "Mi", "Micah"], ["Nah", "Na", "Nahum"],
        ["Hab", "Habakkuk"], ["Zeph", "Zep", "Zephaniah"], ["Hag", "Haggai"], ["Zech", "Zec", "Zechariah"],
        ["Mal", "Malachi"], ["Matt", "Mt", "Mat", "Matthew"], ["Mark", "Mr", "Mk", "Mar"], ["Luke", "Lu", "Lk", "Luk"],
        ["John", "Joh", "Jn"], ["Acts", "Ac", "Act"], ["Rom", "Ro", "Romans"], ["1Cor", "1Co", "ICorinthians", "1Corinthians"],
        ["2Cor", "2Co", "IICorinthians", "2Corinthians"], ["Gal", "Ga", "Galatians"], ["Eph", "Ephesians"],
        ["Phil", "Php", "Philippians"], ["Col", "Colossians"], ["1Thess", "1Th", "IThessalonians", "1Thessalonians"],
        ["2Thess", "2Th", "IIThessalonians", "2Thessalonians"], ["1Tim", "1Ti", "ITimothy", "1Timothy"],
        ["2Tim", "2Ti", "IITimothy", "2Timothy"], ["Titus", "Tit"], ["Phlm", "Phm", "Philemon"], ["Heb", "Hebrews"],
        ["Jas", "Jam", "James"], ["1Pet", "1Pe", "IPeter", "1Peter"], ["2Pet", "2Pe", "IIPeter", "2Peter"],
        ["1John", "1Jo", "1Joh", "1Jn", "IJohn"], ["2John", "2Jo", "2Joh", "2Jn", "IIJohn"],
        ["3John", "3Jo", "3Joh", "3Jn", "IIIJohn"], ["Jude"], ["Rev", "Re", "Revelation", "RevelationofJohn", "Apocalypse"],
    ];

    /// <summary>OSIS ids of deuterocanonical and apocryphal books: real books, outside the 66.</summary>
    private static readonly HashSet<string> OutsideCanon = new(StringComparer.OrdinalIgnoreCase)
    {
        "Tob", "Jdt", "EsthGr", "AddEsth", "Wis", "Sir", "Bar", "EpJer", "PrAzar", "Sus", "Bel", "DanGr", "AddDan",
        "1Macc", "2Macc", "3Macc", "4Macc", "1Esd", "2Esd", "PrMan", "AddPs", "Ps151", "Odes", "PssSol", "EpLao",
    };

    private static readonly Dictionary<string, string> Aliases = BuildAliases();

    private static readonly Dictionary<string, int> Order = BuildOrder();

    /// <summary>The canon's OSIS ids in order (Gen … Rev).</summary>
    public static IReadOnlyList<string> Canon { get; } = Array.ConvertAll(Table, row => row[0]);

    /// <summary>Whether <paramref name="osisId"/> (an exact OSIS id) is one of the 66.</summary>
    public static bool IsCanon(string osisId) => Order.ContainsKey(osisId);

    /// <summary>Whether <paramref name="name"/> names a known book outside the 66 (e.g. <c>Wis</c>, <c>PrAzar</c>).</summary>
    public static bool IsOutsideCanon(string name) => OutsideCanon.Contains(name);

    /// <summary>Maps an OSIS id, abbreviation or name of a canonical book to its OSIS id.</summary>
    public static bool TryResolve(string name, out string osisId)
    {
        if (Aliases.TryGetValue(Normalize(name), out var id))
        {
            osisId = id;
            return true;
        }
        osisId = "";
        return false;
    }

    private static string Normalize(string name) => name.Replace(" ", "", StringComparison.Ordinal).Replace(".", "", StringComparison.Ordinal);

    private static Dictionary<string, string> BuildAliases()
    {
        var aliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var row in Table)
        {
            foreach (var name in row)
            {
                // "Jud" is Nave's Judges; Jude is always spelt out, so the table lists no short alias for it.
                aliases.TryAdd(Normalize(name), row[0]);
            }
        }
        return aliases;
    }

    private static Dictionary<string, int> BuildOrder()
    {
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Table.Length; i++)
        {
            order.Add(Table[i][0], i);
        }
        return order;
    }
}
