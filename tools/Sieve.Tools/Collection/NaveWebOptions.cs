namespace Sieve.Tools.Collection;

/// <summary>Where <see cref="NaveWebCollection.Build"/> finds its sources and which verses the corpus holds.</summary>
internal sealed class NaveWebOptions
{
    /// <summary>The SWORD module library (holds <c>mods.d/</c> and <c>modules/</c>). Debian installs it here.</summary>
    public string SwordPath { get; set; } = "/usr/share/sword";

    /// <summary>The Bible module that gives the corpus (Debian <c>sword-text-web</c>).</summary>
    public string BibleModule { get; set; } = "engWEB2015eb";

    /// <summary>The topical index that gives queries and judgements (Debian <c>sword-dict-naves</c>).</summary>
    public string TopicModule { get; set; } = "Nave";

    /// <summary>
    /// Also index the module's deuterocanonical verses (6,362 in the WEB). Nave never points at them, so they only
    /// act as distractors. Off by default: the corpus is the 66-book canon.
    /// </summary>
    public bool IncludeDeuterocanon { get; set; }
}
