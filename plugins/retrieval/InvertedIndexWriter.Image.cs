using System.Buffers.Binary;
using System.Text;

namespace Sieve.Plugins.Retrieval;

public sealed partial class InvertedIndexWriter
{
    /// <summary>Lays out the whole file in memory (see <see cref="IndexHeader"/> and the README).</summary>
    private byte[] BuildImage()
    {
        var blockSize = _options.BlockSize;
        var vocabulary = _maxTerm + 1;
        var documents = _ids.Count;
        var terms = Terms;
        var weights = Weights;
        var starts = Starts;

        // Per-term scale, impacts, document frequencies (impacts that round to 0 are dropped).
        var scales = new float[vocabulary];
        for (var i = 0; i < terms.Length; i++)
        {
            scales[terms[i]] = Math.Max(scales[terms[i]], weights[i]);
        }
        for (var t = 0; t < vocabulary; t++)
        {
            scales[t] = ImpactQuantizer.Scale(scales[t]);
        }
        var quantized = new byte[terms.Length];
        var frequencies = new int[vocabulary];
        for (var i = 0; i < terms.Length; i++)
        {
            quantized[i] = ImpactQuantizer.Quantize(weights[i], scales[terms[i]]);
            frequencies[terms[i]] += quantized[i] > 0 ? 1 : 0;
        }

        // Postings by term, documents ascending (counting sort).
        var termStart = new int[vocabulary + 1];
        for (var t = 0; t < vocabulary; t++)
        {
            termStart[t + 1] = termStart[t] + frequencies[t];
        }
        var postingCount = termStart[vocabulary];
        var postingDocs = new int[postingCount];
        var postingImpacts = new byte[postingCount];
        var fill = termStart[..vocabulary];
        for (var d = 0; d < documents; d++)
        {
            for (var i = starts[d]; i < starts[d + 1]; i++)
            {
                if (quantized[i] > 0)
                {
                    var p = fill[terms[i]]++;
                    postingDocs[p] = d;
                    postingImpacts[p] = quantized[i];
                }
            }
        }

        // Sizes, then offsets. A block's documents are stored as offsets from the block's base (0 for a term's first
        // block, else the previous block's last document + 1): 2 bytes each when they fit, else 4.
        long blockCount = 0;
        long postingsLength = 0;
        for (var t = 0; t < vocabulary; t++)
        {
            blockCount += (frequencies[t] + blockSize - 1) / blockSize;
            for (var first = termStart[t]; first < termStart[t + 1]; first += blockSize)
            {
                var end = Math.Min(first + blockSize, termStart[t + 1]);
                var blockBase = first == termStart[t] ? 0 : postingDocs[first - 1] + 1;
                postingsLength += (end - first) * (1L + OffsetWidth(postingDocs[end - 1] - blockBase));
            }
        }
        var originBytes = Encoding.UTF8.GetBytes(_origin);
        var idBytes = new byte[documents][];
        long idsLength = 0;
        for (var d = 0; d < documents; d++)
        {
            idBytes[d] = Encoding.UTF8.GetBytes(_ids[d]);
            idsLength += idBytes[d].Length;
        }
        long originOffset = IndexHeader.Size;
        var termsOffset = originOffset + originBytes.Length;
        var blocksOffset = termsOffset + (long)vocabulary * IndexHeader.TermEntrySize;
        var postingsOffset = blocksOffset + blockCount * IndexHeader.BlockEntrySize;
        var docOffsetsOffset = postingsOffset + postingsLength;
        var docIdsOffset = docOffsetsOffset + (documents + 1L) * sizeof(long);
        var fileLength = docIdsOffset + idsLength;
        if (fileLength > Array.MaxLength)
        {
            throw new InvalidOperationException($"{_path}: the index would take {fileLength} bytes; at most {Array.MaxLength} are supported.");
        }

        var image = new byte[fileLength];
        var span = image.AsSpan();
        new IndexHeader(blockSize, vocabulary, documents, fileLength, postingCount, (int)blockCount, originOffset, originBytes.Length,
            termsOffset, blocksOffset, postingsOffset, postingsLength, docOffsetsOffset, docIdsOffset, idsLength).Write(span);
        originBytes.CopyTo(span[(int)originOffset..]);

        var block = 0;
        var position = (int)postingsOffset;
        for (var t = 0; t < vocabulary; t++)
        {
            var entry = span.Slice((int)termsOffset + t * IndexHeader.TermEntrySize, IndexHeader.TermEntrySize);
            BinaryPrimitives.WriteInt32LittleEndian(entry, frequencies[t]);
            BinaryPrimitives.WriteInt32LittleEndian(entry[4..], block);
            BinaryPrimitives.WriteSingleLittleEndian(entry[8..], scales[t]);
            byte termMax = 0;
            for (var first = termStart[t]; first < termStart[t + 1]; first += blockSize)
            {
                var end = Math.Min(first + blockSize, termStart[t + 1]);
                var blockBase = first == termStart[t] ? 0 : postingDocs[first - 1] + 1;
                var width = OffsetWidth(postingDocs[end - 1] - blockBase);
                var blockEntry = span.Slice((int)blocksOffset + block * IndexHeader.BlockEntrySize, IndexHeader.BlockEntrySize);
                var impacts = postingImpacts.AsSpan(first, end - first);
                byte blockMax = 0;
                foreach (var impact in impacts)
                {
                    blockMax = Math.Max(blockMax, impact);
                }
                BinaryPrimitives.WriteInt32LittleEndian(blockEntry, postingDocs[end - 1]);
                blockEntry[4] = blockMax;
                blockEntry[5] = (byte)width;
                BinaryPrimitives.WriteInt64LittleEndian(blockEntry[8..], position);
                impacts.CopyTo(span[position..]);
                position += impacts.Length;
                for (var p = first; p < end; p++)
                {
                    if (width == 2)
                    {
                        BinaryPrimitives.WriteUInt16LittleEndian(span[position..], (ushort)(postingDocs[p] - blockBase));
                    }
                    else
                    {
                        BinaryPrimitives.WriteUInt32LittleEndian(span[position..], (uint)(postingDocs[p] - blockBase));
                    }
                    position += width;
                }
                termMax = Math.Max(termMax, blockMax);
                block++;
            }
            entry[12] = termMax;
        }

        long idOffset = 0;
        for (var d = 0; d <= documents; d++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[(int)(docOffsetsOffset + d * sizeof(long))..], idOffset);
            if (d < documents)
            {
                idBytes[d].CopyTo(span[(int)(docIdsOffset + idOffset)..]);
                idOffset += idBytes[d].Length;
            }
        }
        IndexHeader.Checksum(span).CopyTo(span[IndexHeader.ChecksumOffset..]);
        return image;
    }

    private static int OffsetWidth(int largestOffset) => largestOffset <= ushort.MaxValue ? 2 : 4;
}
