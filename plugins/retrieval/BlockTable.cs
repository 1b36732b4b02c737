namespace Sieve.Plugins.Retrieval;

/// <summary>
/// The block-max metadata of every posting list, read once at open: each block's last document, largest impact,
/// width of its document offsets (2 or 4 bytes) and the file offset of its postings. Immutable; thread-safe.
/// </summary>
internal sealed class BlockTable(int count)
{
    public int[] LastDoc { get; } = new int[count];

    public byte[] MaxImpact { get; } = new byte[count];

    public bool[] Wide { get; } = new bool[count];

    public int[] Offset { get; } = new int[count];
}
