using System.Numerics.Tensors;
using Sieve.Kernels;

namespace Sieve.Plugins.Attention;

/// <summary>
/// Chooses the key blocks of one query block (InfLLM-V2): every query of the block (and every query head of the KV
/// group) scores the compressed keys; the scores are normalized with a softmax over the compressed keys of that query
/// (not over the fine keys: a softmax over fine keys would spread each query's mass over 16× more entries and flatten
/// the ranking), summed, and max-pooled onto key blocks. The first block and a local window are always kept; the rest
/// of the budget goes to the best-scoring blocks. Thread-safe (no state).
/// </summary>
internal sealed class BlockSelector(BlockSparseAttentionOptions options)
{
    /// <summary>Fills <paramref name="ranges"/> with the chosen blocks of queries [<paramref name="queryStart"/>, <paramref name="queryEnd"/>).</summary>
    /// <param name="queries">The query heads of the KV group: [group, queryLength, headSize].</param>
    /// <param name="keys">The compressed keys of the row's valid keys, which start at <paramref name="keyStart"/>.</param>
    /// <param name="offset">Key position of query 0 (keyLength − queryLength): causal limits and the diagonal block.</param>
    /// <param name="keyStart">First valid key of the row: blocks count from it, and the ranges are shifted by it.</param>
    public void Select(ReadOnlySpan<float> queries, int group, int queryLength, int queryStart, int queryEnd, CompressedKeys keys,
        float scale, bool causal, int offset, int keyStart, List<KeyRange> ranges)
    {
        var blockSize = options.BlockSize;
        var blocks = (keys.Length + blockSize - 1) / blockSize;
        // Positions below are relative to the first valid key.
        offset -= keyStart;
        var lastVisible = causal ? Math.Min(blocks - 1, (queryEnd - 1 + offset) / blockSize) : blocks - 1;
        if (blocks == 0 || (causal && queryEnd - 1 + offset < 0))
        {
            return; // no valid key, or every query of the block is padding before the first valid key
        }
        var blockScores = BlockScores(queries, group, queryLength, queryStart, queryEnd, keys, scale, causal, offset, blocks, blockSize);
        // The key blocks of the block's own queries (its first and last query may sit in two key blocks).
        var diagonal = Math.Clamp(Math.Max(0, queryStart + offset) / blockSize, 0, lastVisible);
        var lastDiagonal = Math.Clamp(Math.Max(0, queryEnd - 1 + offset) / blockSize, diagonal, lastVisible);
        var visible = lastVisible + 1;
        var budget = options.Density > 0 ? (int)Math.Ceiling(options.Density * visible) : options.TopKBlocks;
        var chosen = new bool[visible];
        var count = 0;
        void Keep(int block)
        {
            if (block >= 0 && block < visible && !chosen[block])
            {
                chosen[block] = true;
                count++;
            }
        }
        if (options.KeepFirstBlock)
        {
            Keep(0);
        }
        for (var block = diagonal - options.WindowBlocks; block <= lastDiagonal + (causal ? 0 : options.WindowBlocks); block++)
        {
            Keep(block);
        }
        if (count < budget)
        {
            var order = Enumerable.Range(0, visible).Where(b => !chosen[b]).OrderByDescending(b => blockScores[b]).ThenBy(b => b).Take(budget - count);
            foreach (var block in order)
            {
                Keep(block);
            }
        }
        for (var block = 0; block < visible; block++)
        {
            if (!chosen[block])
            {
                continue;
            }
            var range = new KeyRange(keyStart + block * blockSize, keyStart + Math.Min(keys.Length, (block + 1) * blockSize));
            if (ranges.Count > 0 && ranges[^1].End == range.Start)
            {
                ranges[^1] = new KeyRange(ranges[^1].Start, range.End);
            }
            else
            {
                ranges.Add(range);
            }
        }
    }

    private static float[] BlockScores(ReadOnlySpan<float> queries, int group, int queryLength, int queryStart, int queryEnd, CompressedKeys keys,
        float scale, bool causal, int offset, int blocks, int blockSize)
    {
        var headSize = keys.HeadSize;
        var importance = new float[keys.Count];
        var scores = new float[AttentionTile.Rows * keys.Count];
        KeyRange[] all = [new KeyRange(0, keys.Count)];
        for (var h = 0; h < group; h++)
        {
            for (var tile = queryStart; tile < queryEnd; tile += AttentionTile.Rows)
            {
                var rows = Math.Min(AttentionTile.Rows, queryEnd - tile);
                AttentionTile.Scores(queries.Slice((h * queryLength + tile) * headSize, rows * headSize), rows, keys.Panel, all, scale, keys.Count, scores);
                for (var r = 0; r < rows; r++)
                {
                    var visible = keys.Count;
                    if (causal)
                    {
                        // Only compressed keys whose whole window the query may see.
                        visible = 0;
                        while (visible < keys.Count && keys.Window(visible).End <= tile + r + 1 + offset)
                        {
                            visible++;
                        }
                    }
                    if (visible == 0)
                    {
                        continue;
                    }
                    var row = scores.AsSpan(r * keys.Count, visible);
                    TensorPrimitives.Subtract(row, TensorPrimitives.Max(row), row);
                    TensorPrimitives.Exp(row, row);
                    TensorPrimitives.Multiply(row, 1f / TensorPrimitives.Sum(row), row);
                    TensorPrimitives.Add(importance.AsSpan(0, visible), row, importance.AsSpan(0, visible));
                }
            }
        }
        var blockScores = new float[blocks];
        for (var c = 0; c < keys.Count; c++)
        {
            var (start, end) = keys.Window(c);
            for (var block = start / blockSize; block <= (end - 1) / blockSize && block < blocks; block++)
            {
                blockScores[block] = Math.Max(blockScores[block], importance[c]);
            }
        }
        return blockScores;
    }
}
