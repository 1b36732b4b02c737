namespace Sieve.Host.Generation;

/// <summary>Picks the next token from logits: greedy at temperature 0, else nucleus (top-p) sampling.</summary>
internal static class TokenSampler
{
    /// <param name="logits">One position's logits over the vocabulary.</param>
    /// <param name="temperature">0 for greedy (the lowest id wins ties); otherwise logits are divided by it.</param>
    /// <param name="topP">Keep the most probable tokens whose probabilities first reach this sum (1: all).</param>
    /// <param name="random">The sequence's own generator, so a seed reproduces it whatever else is in the batch.</param>
    public static int Sample(ReadOnlySpan<float> logits, float temperature, float topP, Random random)
    {
        if (temperature == 0)
        {
            return ArgMax(logits);
        }
        var max = logits[ArgMax(logits)];
        var probabilities = new double[logits.Length];
        var order = new int[logits.Length];
        var sum = 0.0;
        for (var i = 0; i < logits.Length; i++)
        {
            probabilities[i] = Math.Exp((logits[i] - max) / temperature);
            sum += probabilities[i];
            order[i] = i;
        }
        // Most probable first; equal probabilities by id so that the order never depends on the sort.
        Array.Sort(order, (a, b) => probabilities[a] != probabilities[b] ? probabilities[b].CompareTo(probabilities[a]) : a.CompareTo(b));
        var kept = 0;
        var mass = 0.0;
        while (kept < order.Length && (kept == 0 || mass < topP * sum))
        {
            mass += probabilities[order[kept]];
            kept++;
        }
        var target = random.NextDouble() * mass;
        for (var i = 0; i < kept; i++)
        {
            target -= probabilities[order[i]];
            if (target <= 0)
            {
                return order[i];
            }
        }
        return order[kept - 1];
    }

    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }
        return best;
    }
}
