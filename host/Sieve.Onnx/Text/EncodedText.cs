namespace Sieve.Host.Text;

/// <summary>Token ids of one text, and how many tokens it had before truncation.</summary>
internal sealed record EncodedText(int[] Ids, int OriginalLength)
{
    public bool Truncated => OriginalLength > Ids.Length;
}
