namespace Sieve.Kernels.Tests;

public class MultiHeadAttentionTests
{
    public static TheoryData<int, int, int, int, int, bool> Shapes => new()
    {
        // batch, query heads, kv heads, length, head size, causal
        { 1, 1, 1, 1, 1, false },
        { 2, 2, 2, 7, 12, false },
        { 1, 4, 2, 193, 40, true },
        { 3, 2, 1, 33, 64, false },
        { 1, 2, 2, 300, 32, true },
        { 1, 1, 1, 70, 128, false },
        { 2, 3, 3, 17, 7, true },
    };

    private static float[] Random(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Compute_AllKeys_MatchesNaiveAttention(int batch, int heads, int kvHeads, int length, int headSize, bool causal)
    {
        var dims = new AttentionDims(batch, heads, kvHeads, length, length, headSize);
        var q = Random(batch * heads * length * headSize, 1);
        var k = Random(batch * kvHeads * length * headSize, 2);
        var v = Random(batch * kvHeads * length * headSize, 3);
        var lengths = Enumerable.Range(0, batch).Select(b => Math.Max(1, length - 5 * b)).ToArray(); // padded rows
        var scale = 1 / MathF.Sqrt(headSize);
        var output = new float[q.Length];
        MultiHeadAttention.Compute(q, k, v, output, dims, lengths, scale, causal, 8, MultiHeadAttention.AllKeys);
        var expected = NaiveAttention.Compute(q, k, v, dims, lengths, scale, causal);
        for (var i = 0; i < output.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - output[i]) < 2e-5, $"element {i}: expected {expected[i]}, got {output[i]}");
        }
    }

    public static TheoryData<int, int, int, int, int, int, bool, int> CachedShapes => new()
    {
        // batch, query heads, kv heads, queries, keys (a KV cache of keys − queries before them), head size, causal, query block
        { 3, 8, 2, 1, 37, 32, true, 8 },   // decoding, grouped-query: one query per head, the group stacked into one tile
        { 2, 4, 2, 5, 23, 12, true, 8 },   // a prefill chunk after a cache, shorter than a query block
        { 2, 6, 3, 19, 40, 7, true, 8 },   // several query blocks after a cache, odd head size
        { 1, 4, 1, 13, 13, 33, true, 4 },  // no cache
        { 3, 2, 1, 3, 9, 5, false, 4 },    // not causal, left padding only
        { 2, 8, 2, 1, 1, 16, true, 8 },    // a single key
        { 4, 3, 3, 70, 193, 40, true, 16 },
    };

    [Theory]
    [MemberData(nameof(CachedShapes))]
    public void Compute_LeftPaddingAndCache_MatchesNaiveAttention(int batch, int heads, int kvHeads, int queries, int keys, int headSize, bool causal, int queryBlock)
    {
        var dims = new AttentionDims(batch, heads, kvHeads, queries, keys, headSize);
        var q = Random(batch * heads * queries * headSize, 11);
        var k = Random(batch * kvHeads * keys * headSize, 12);
        var v = Random(batch * kvHeads * keys * headSize, 13);
        // Left padding of 3·b keys (some early queries then see no key at all), and right padding in odd rows.
        var starts = Enumerable.Range(0, batch).Select(b => Math.Min(keys - 1, 3 * b)).ToArray();
        var ends = Enumerable.Range(0, batch).Select(b => b % 2 == 1 && keys > 8 ? keys - 2 : keys).ToArray();
        var scale = 1 / MathF.Sqrt(headSize);
        var output = new float[q.Length];
        output.AsSpan().Fill(float.NaN); // every element must be written
        MultiHeadAttention.Compute(q, k, v, output, dims, starts, ends, scale, causal, queryBlock, MultiHeadAttention.AllKeys);
        var expected = NaiveAttention.Compute(q, k, v, dims, starts, ends, scale, causal);
        for (var i = 0; i < output.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - output[i]) < 2e-5, $"element {i}: expected {expected[i]}, got {output[i]}");
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(16)]
    public void Compute_CacheBufferLongerThanItsFilledKeys_EqualsTheSameKeysWithoutTheSpareRoom(int queryBlock)
    {
        // An in-place KV cache: 40 positions, 29 filled (the last 7 by this step's queries), rows left-padded.
        const int batch = 2, heads = 4, kvHeads = 2, queries = 7, room = 40, filled = 29, headSize = 8;
        var buffer = new AttentionDims(batch, heads, kvHeads, queries, room, headSize) { QueryPosition = filled - queries };
        var compact = new AttentionDims(batch, heads, kvHeads, queries, filled, headSize);
        var q = Random(batch * heads * queries * headSize, 21);
        var k = Random(batch * kvHeads * room * headSize, 22);
        var v = Random(batch * kvHeads * room * headSize, 23);
        var kCompact = new float[batch * kvHeads * filled * headSize];
        var vCompact = new float[kCompact.Length];
        for (var row = 0; row < batch * kvHeads; row++)
        {
            k.AsSpan(row * room * headSize, filled * headSize).CopyTo(kCompact.AsSpan(row * filled * headSize));
            v.AsSpan(row * room * headSize, filled * headSize).CopyTo(vCompact.AsSpan(row * filled * headSize));
        }
        int[] starts = [0, 5], ends = [filled, filled];
        var inPlace = new float[q.Length];
        var expected = new float[q.Length];

        MultiHeadAttention.Compute(q, k, v, inPlace, buffer, starts, ends, 0.3f, true, queryBlock, MultiHeadAttention.AllKeys);
        MultiHeadAttention.Compute(q, kCompact, vCompact, expected, compact, starts, ends, 0.3f, true, queryBlock, MultiHeadAttention.AllKeys);

        Assert.Equal(22, buffer.CausalOffset);
        Assert.Equal(expected, inPlace);
        var naive = NaiveAttention.Compute(q, k, v, buffer, starts, ends, 0.3f, true);
        Assert.All(Enumerable.Range(0, q.Length), i => Assert.True(Math.Abs(naive[i] - inPlace[i]) < 2e-5, $"element {i}"));
    }

    [Fact]
    public void Compute_QueriesBeforeTheFirstValidKey_GetZerosNotNaN()
    {
        // A left-padded prefill: keys [6, 10) are valid, so causal queries 0..5 see nothing.
        var dims = new AttentionDims(1, 4, 2, 10, 10, 8);
        var q = Random(4 * 10 * 8, 14);
        var k = Random(2 * 10 * 8, 15);
        var v = Random(2 * 10 * 8, 16);
        var output = new float[q.Length];
        MultiHeadAttention.Compute(q, k, v, output, dims, new[] { 6 }, new[] { 10 }, 0.3f, true, 4, MultiHeadAttention.AllKeys);
        Assert.All(output, x => Assert.True(float.IsFinite(x)));
        for (var h = 0; h < 4; h++)
        {
            Assert.All(output.AsSpan((h * 10) * 8, 6 * 8).ToArray(), x => Assert.Equal(0f, x));
            Assert.Contains(output.AsSpan((h * 10 + 6) * 8, 8).ToArray(), x => x != 0f);
        }
    }

    [Fact]
    public void Compute_PlannerRangesPastTheCausalLimit_AreClipped()
    {
        // A planner that offers every key, future ones included: causal clipping must still hide them.
        var dims = new AttentionDims(2, 2, 1, 9, 21, 8);
        var q = Random(2 * 2 * 9 * 8, 17);
        var k = Random(2 * 21 * 8, 18);
        var v = Random(2 * 21 * 8, 19);
        int[] starts = [0, 4], ends = [21, 21];
        void Plan(int batch, int head, int start, int end, int keyStart, int keyEnd, List<KeyRange> ranges) => ranges.Add(new KeyRange(0, 21));
        var output = new float[q.Length];
        MultiHeadAttention.Compute(q, k, v, output, dims, starts, ends, 0.35f, true, 4, Plan);
        var expected = NaiveAttention.Compute(q, k, v, dims, starts, ends, 0.35f, true);
        for (var i = 0; i < output.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - output[i]) < 2e-5, $"element {i}: expected {expected[i]}, got {output[i]}");
        }
    }

    [Fact]
    public void Compute_SelectedRanges_AttendsOnlyToThem()
    {
        var dims = new AttentionDims(1, 2, 1, 100, 100, 16);
        var q = Random(2 * 100 * 16, 4);
        var k = Random(100 * 16, 5);
        var v = Random(100 * 16, 6);
        int[] lengths = [100];
        // Query block [0, 20) sees keys [0, 10) and [50, 75); every other block sees [10, 30).
        void Plan(int batch, int head, int start, int end, int keyStart, int keyEnd, List<KeyRange> ranges)
        {
            if (start == 0)
            {
                ranges.Add(new KeyRange(0, 10));
                ranges.Add(new KeyRange(50, 75));
            }
            else
            {
                ranges.Add(new KeyRange(10, 30));
            }
        }
        bool Allowed(int head, int query, int key) => query < 20 ? key < 10 || (key >= 50 && key < 75) : key >= 10 && key < 30;
        var output = new float[q.Length];
        MultiHeadAttention.Compute(q, k, v, output, dims, lengths, 0.25f, false, 20, Plan);
        var expected = NaiveAttention.Compute(q, k, v, dims, lengths, 0.25f, false, Allowed);
        for (var i = 0; i < output.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - output[i]) < 2e-5, $"element {i}: expected {expected[i]}, got {output[i]}");
        }
    }

    [Fact]
    public void Compute_LargeScores_StayFinite()
    {
        var dims = new AttentionDims(1, 1, 1, 9, 9, 8);
        var q = Random(72, 7).Select(x => x * 1000).ToArray();
        var k = Random(72, 8).Select(x => x * 1000).ToArray();
        var v = Random(72, 9);
        var output = new float[72];
        MultiHeadAttention.Compute(q, k, v, output, dims, new[] { 9 }, 1f, false, 4, MultiHeadAttention.AllKeys);
        Assert.All(output, x => Assert.True(float.IsFinite(x)));
        var expected = NaiveAttention.Compute(q, k, v, dims, [9], 1f, false);
        for (var i = 0; i < 72; i++)
        {
            Assert.True(Math.Abs(expected[i] - output[i]) < 1e-4, $"element {i}");
        }
    }
}
