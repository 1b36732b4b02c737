using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Sieve.Plugins.Retrieval;

/// <summary>The mapped file and the block table that posting cursors read.</summary>
internal readonly ref struct Postings(ReadOnlySpan<byte> file, BlockTable blocks)
{
    public ReadOnlySpan<byte> File { get; } = file;

    public BlockTable Blocks { get; } = blocks;
}

/// <summary>
/// A position in one query term's posting list, read in place from the mapped file (blocks are fixed-width, so
/// nothing is decoded ahead). <see cref="Seek"/> skips whole blocks by their last document, then binary-searches
/// within the block; <see cref="WindowBound"/>, <see cref="BoundAt"/> and <see cref="LowerBound"/> read only block
/// metadata. Moves forward only.
/// </summary>
internal struct PostingCursor
{
    /// <summary><see cref="Doc"/> once the list is exhausted.</summary>
    public const int End = int.MaxValue;

    private readonly int _firstBlock;
    private readonly int _endBlock;
    private readonly int _frequency;
    private readonly int _blockSize;
    private readonly double _boundPerImpact;
    private int _block;
    private int _shallow;
    private int _position;
    private int _count;
    private int _base;
    private bool _wide;
    private int _impacts;
    private int _docs;

    public PostingCursor(float queryWeight, float scale, byte maxImpact, int firstBlock, int frequency, int blockSize)
    {
        QueryWeight = queryWeight;
        Scale = scale;
        _firstBlock = firstBlock;
        _frequency = frequency;
        _blockSize = blockSize;
        _endBlock = firstBlock + (frequency + blockSize - 1) / blockSize;
        // Contributions of a negative query weight are <= 0: their bound is 0.
        _boundPerImpact = Math.Max(0.0, (double)queryWeight * scale);
        Bound = _boundPerImpact * maxImpact;
        AbsoluteBound = Math.Abs((double)queryWeight * scale) * maxImpact;
        Doc = -1;
    }

    public float QueryWeight { get; }

    public float Scale { get; }

    /// <summary>An upper bound of any contribution of this term (exact arithmetic).</summary>
    public double Bound { get; }

    /// <summary>The largest magnitude of any contribution of this term (exact arithmetic).</summary>
    public double AbsoluteBound { get; }

    /// <summary>The current document, or <see cref="End"/>.</summary>
    public int Doc { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float Contribution(in Postings postings) =>
        ImpactQuantizer.Contribution(QueryWeight, Scale, postings.File[_impacts + _position]);

    public void Start(in Postings postings) => Open(_firstBlock, postings);

    public void Next(in Postings postings)
    {
        if (++_position < _count)
        {
            Doc = DocAt(postings.File, _position);
        }
        else if (_block + 1 < _endBlock)
        {
            Open(_block + 1, postings);
        }
        else
        {
            Doc = End;
        }
    }

    /// <summary>Moves to the first document >= <paramref name="target"/> (never backwards).</summary>
    public void Seek(int target, in Postings postings)
    {
        if (Doc >= target)
        {
            return;
        }
        var lastDoc = postings.Blocks.LastDoc;
        if (target > lastDoc[_block])
        {
            // Blocks before _shallow all end before an earlier target.
            var b = Math.Max(_block + 1, _shallow);
            while (b < _endBlock && lastDoc[b] < target)
            {
                b++;
            }
            if (b == _endBlock)
            {
                _shallow = b;
                Doc = End;
                return;
            }
            Open(b, postings);
            if (Doc >= target)
            {
                return;
            }
        }
        // The block's last document is >= target: binary search (_position, _count - 1].
        var file = postings.File;
        var low = _position + 1;
        var high = _count - 1;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (DocAt(file, middle) < target)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        _position = low;
        Doc = DocAt(file, low);
    }

    /// <summary>
    /// An upper bound of this term's contribution to any document in [<paramref name="first"/>, <paramref name="last"/>]
    /// not yet passed, from block metadata only.
    /// </summary>
    public double WindowBound(int first, int last, BlockTable blocks)
    {
        if (Doc > last)
        {
            return 0;
        }
        var lastDoc = blocks.LastDoc;
        var s = Shallow(first, lastDoc);
        var max = 0;
        for (; s < _endBlock; s++)
        {
            max = Math.Max(max, blocks.MaxImpact[s]);
            if (lastDoc[s] >= last)
            {
                break;
            }
        }
        return _boundPerImpact * max;
    }

    /// <summary>
    /// An upper bound of this term's contribution to <paramref name="doc"/> (not before the last target): 0 past it,
    /// the contribution itself when the cursor is on it, else its block's largest impact.
    /// </summary>
    public double BoundAt(int doc, in Postings postings)
    {
        if (Doc >= doc)
        {
            return Doc == doc ? Contribution(postings) : 0;
        }
        var s = Shallow(doc, postings.Blocks.LastDoc);
        return s == _endBlock ? 0 : _boundPerImpact * postings.Blocks.MaxImpact[s];
    }

    /// <summary>A lower bound of this list's next document >= <paramref name="from"/> (<see cref="End"/> if none).</summary>
    public int LowerBound(int from, BlockTable blocks)
    {
        if (Doc >= from)
        {
            return Doc;
        }
        var s = Shallow(from, blocks.LastDoc);
        return s == _endBlock ? End : s == _block ? from : Math.Max(from, blocks.LastDoc[s - 1] + 1);
    }

    /// <summary>The first block, from the current one, that may hold documents >= <paramref name="doc"/>.</summary>
    private int Shallow(int doc, int[] lastDoc)
    {
        var s = Math.Max(_shallow, _block);
        while (s < _endBlock && lastDoc[s] < doc)
        {
            s++;
        }
        _shallow = s;
        return s;
    }

    private void Open(int block, in Postings postings)
    {
        var blocks = postings.Blocks;
        _block = block;
        _count = block == _endBlock - 1 ? _frequency - (block - _firstBlock) * _blockSize : _blockSize;
        _base = block == _firstBlock ? 0 : blocks.LastDoc[block - 1] + 1;
        _wide = blocks.Wide[block];
        _impacts = blocks.Offset[block];
        _docs = _impacts + _count;
        _position = 0;
        Doc = DocAt(postings.File, 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly int DocAt(ReadOnlySpan<byte> file, int position) => _wide
        ? _base + (int)BinaryPrimitives.ReadUInt32LittleEndian(file[(_docs + 4 * position)..])
        : _base + BinaryPrimitives.ReadUInt16LittleEndian(file[(_docs + 2 * position)..]);
}
