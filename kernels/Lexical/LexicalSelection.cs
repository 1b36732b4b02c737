using System.Buffers;
using System.Numerics.Tensors;
using Sieve.Abstractions;

namespace Sieve.Kernels.Lexical;

/// <summary>
/// The last step shared by both heads: turns one sequence's pooled values into a <see cref="SparseVector"/> that keeps the
/// terms of weight above the threshold, at most TopK of them (largest weight first, ties to the lower term id), in
/// ascending term order. Thread-safe (no state).
/// </summary>
public static class LexicalSelection
{
    /// <summary>
    /// Applies <c>log(1 + relu(x + b))</c> in place to the maximum logits of one sequence, which gives its weights (both
    /// functions are monotonic, so the maximum of the weights is the weight of the maximum logit).
    /// </summary>
    public static void WeightsFromMaxLogits(Span<float> maxLogits, ReadOnlySpan<float> bias)
    {
        if (!bias.IsEmpty)
        {
            TensorPrimitives.Add(maxLogits, bias, maxLogits);
        }
        TensorPrimitives.Max(maxLogits, 0f, maxLogits);
        TensorPrimitives.LogP1(maxLogits, maxLogits);
    }

    /// <summary>Selects from the weights of one sequence (non-negative; the excluded terms are zeroed first, in place).</summary>
    public static SparseVector Select(Span<float> weights, ReadOnlySpan<int> excluded, LexicalHeadOptions options)
    {
        foreach (var term in excluded)
        {
            weights[term] = 0f;
        }
        var threshold = Math.Max(0f, options.Threshold);
        var count = 0;
        foreach (var w in weights)
        {
            if (w > threshold)
            {
                count++;
            }
        }
        var keep = options.TopK == 0 ? count : Math.Min(count, options.TopK);
        if (keep == 0)
        {
            return new SparseVector([], []);
        }
        var terms = ArrayPool<int>.Shared.Rent(keep);
        var kept = ArrayPool<float>.Shared.Rent(keep);
        try
        {
            if (keep == count)
            {
                var n = 0;
                for (var v = 0; v < weights.Length; v++)
                {
                    if (weights[v] > threshold)
                    {
                        terms[n] = v;
                        kept[n++] = weights[v];
                    }
                }
            }
            else
            {
                TopK(weights, threshold, keep, terms, kept);
                Array.Sort(terms, kept, 0, keep);
            }
            return new SparseVector(terms.AsSpan(0, keep), kept.AsSpan(0, keep));
        }
        finally
        {
            ArrayPool<int>.Shared.Return(terms);
            ArrayPool<float>.Shared.Return(kept);
        }
    }

    /// <summary>
    /// The <paramref name="k"/> best terms above the threshold into a min-heap (root = the worst kept: the lowest weight,
    /// on ties the higher term id). Terms arrive in ascending order, so a later term with an equal weight never displaces.
    /// </summary>
    private static void TopK(ReadOnlySpan<float> weights, float threshold, int k, int[] terms, float[] heap)
    {
        var size = 0;
        for (var v = 0; v < weights.Length; v++)
        {
            var w = weights[v];
            if (w <= threshold)
            {
                continue;
            }
            if (size < k)
            {
                var i = size++;
                while (i > 0)
                {
                    var parent = (i - 1) / 2;
                    if (!Worse(w, v, heap[parent], terms[parent]))
                    {
                        break;
                    }
                    heap[i] = heap[parent];
                    terms[i] = terms[parent];
                    i = parent;
                }
                heap[i] = w;
                terms[i] = v;
            }
            else if (w > heap[0])
            {
                SiftDown(heap, terms, size, w, v);
            }
        }
    }

    /// <summary>Replaces the root with (w, v) and restores the heap.</summary>
    private static void SiftDown(float[] heap, int[] terms, int size, float w, int v)
    {
        var i = 0;
        while (true)
        {
            var child = 2 * i + 1;
            if (child >= size)
            {
                break;
            }
            if (child + 1 < size && Worse(heap[child + 1], terms[child + 1], heap[child], terms[child]))
            {
                child++;
            }
            if (!Worse(heap[child], terms[child], w, v))
            {
                break;
            }
            heap[i] = heap[child];
            terms[i] = terms[child];
            i = child;
        }
        heap[i] = w;
        terms[i] = v;
    }

    /// <summary>Whether (w1, t1) ranks below (w2, t2): a lower weight, or an equal weight and a higher term id.</summary>
    private static bool Worse(float w1, int t1, float w2, int t2) => w1 < w2 || (w1 == w2 && t1 > t2);
}
