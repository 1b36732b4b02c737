using Sieve.Abstractions;

namespace Sieve.Host.Operators.LmHead;

/// <summary>
/// <c>lm-head/dense</c>, the reference: the model keeps its own output projection and every token is a candidate with the
/// model's logit, in id order, so sampling sees exactly the logits it saw before the slot existed (the tokens are the
/// same, byte for byte).
/// </summary>
internal sealed class DenseLmHead : ILmHead
{
    public const string Name = "dense";

    public bool ReadsHiddenState => false;

    public ILmHeadScorer Bind(OutputEmbedding embedding)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        return new Scorer(embedding.VocabularySize);
    }

    /// <summary>Copies each row of logits and lists every token id.</summary>
    private sealed class Scorer : ILmHeadScorer
    {
        private readonly int[] _ids;

        public Scorer(int vocabulary)
        {
            _ids = new int[vocabulary];
            for (var i = 0; i < vocabulary; i++)
            {
                _ids[i] = i;
            }
        }

        public int InputWidth => _ids.Length;

        public int MaxCandidates => _ids.Length;

        public void Score(in LmHeadCall rows)
        {
            var vocabulary = _ids.Length;
            if (rows.Input.Length < rows.Rows * vocabulary || rows.Tokens.Length < rows.Rows * vocabulary
                || rows.Logits.Length < rows.Rows * vocabulary || rows.Counts.Length < rows.Rows)
            {
                throw new ArgumentException($"lm-head/dense: {rows.Rows} rows of {vocabulary} logits do not fit the call's spans.", nameof(rows));
            }
            rows.Input[..(rows.Rows * vocabulary)].CopyTo(rows.Logits);
            for (var r = 0; r < rows.Rows; r++)
            {
                _ids.CopyTo(rows.Tokens.Slice(r * vocabulary, vocabulary));
                rows.Counts[r] = vocabulary;
            }
        }

        public void Dispose()
        {
        }
    }
}
