using System.Globalization;

namespace Sieve.Host.Jobs;

/// <summary>
/// Which part of a job this process takes: record k belongs to shard <c>k mod Count</c>. Shards write to separate
/// outputs, so any scheduler (Kubernetes indexed jobs, Slurm arrays) can run them side by side.
/// </summary>
internal readonly record struct Shard(int Index, int Count)
{
    public static readonly Shard Whole = new(0, 1);

    public bool IsWhole => Count == 1;

    public bool Owns(long recordOrdinal) => recordOrdinal % Count == Index;

    /// <summary>Parses <c>i/N</c> with 0 ≤ i &lt; N.</summary>
    public static Shard Parse(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0
            && int.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            && int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count > 0 && index < count)
        {
            return new Shard(index, count);
        }
        throw new SieveException($"--shard expects i/N with 0 <= i < N (e.g. 0/4), got '{text}'.");
    }

    /// <summary>The output path of this shard: <c>out.jsonl</c> becomes <c>out.shard-0-of-4.jsonl</c>.</summary>
    public string OutputPath(string path) => IsWhole
        ? path
        : Path.Combine(Path.GetDirectoryName(path) ?? "", $"{Path.GetFileNameWithoutExtension(path)}.shard-{Index}-of-{Count}{Path.GetExtension(path)}");

    public override string ToString() => $"{Index}/{Count}";
}
