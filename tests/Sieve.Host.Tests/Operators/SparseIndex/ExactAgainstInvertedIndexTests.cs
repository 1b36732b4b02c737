using Sieve.Abstractions;
using Sieve.Host.Operators;
using Sieve.Host.Operators.SparseIndex;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests.Operators.SparseIndex;

/// <summary>
/// The reference against <c>sparse-index/inverted</c> (the retrieval plugin, loaded from the host's drop-in folder). The
/// inverted index stores 8-bit impacts, scale = a term's largest weight / 255; here every weight is n / 128 (n in
/// 1..255) and every term's largest is 255 / 128, so the scale is 2⁻⁷, every impact is n exactly and both indexes sum
/// the same floats in the same order: the hit lists must be identical, scores and tie order included.
/// </summary>
public sealed class ExactAgainstInvertedIndexTests : IDisposable
{
    private const string Origin = "test-model/lexical-head";
    private const int Vocabulary = 97;

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1, 1)]
    [InlineData(211, 10)]
    [InlineData(1301, 100)]
    public void Search_QuantizationExact_SameHitsAsInverted(int documents, int k)
    {
        float[] levels = [.. Enumerable.Range(1, 255).Where(n => n % 17 == 0 || n < 4).Select(n => n / 128f)]; // few levels: ties
        var corpus = SparseCorpus.Documents(documents, Vocabulary, 11, levels, seed: documents);
        // Every term at 255/128 once, so that each term's scale is 2⁻⁷.
        corpus = [.. corpus, ("every-term", new SparseVector([.. Enumerable.Range(0, Vocabulary)], [.. Enumerable.Repeat(255 / 128f, Vocabulary)]))];
        using var exact = Build(new ExactSparseIndex(), "exact", corpus);
        using var inverted = Build(DropInPlugins.CreateWithDefaults<ISparseIndex>("sparse-index", "inverted", EmptyServices.Instance), "inverted", corpus);
        var random = new Random(k);

        for (var q = 0; q < 30; q++)
        {
            var query = SparseCorpus.Vector(random, Vocabulary, 1 + random.Next(8), [0.3f, 1f, 2.5f, 0.7f]);

            var expected = exact.Search(query, k);

            Assert.NotEmpty(expected);
            Assert.Equal(expected, inverted.Search(query, k));
        }
    }

    private ISparseIndexReader Build(ISparseIndex index, string name, (string Id, SparseVector Vector)[] corpus)
    {
        var path = _folder.File(name);
        using (var writer = index.Create(path, Origin))
        {
            foreach (var (id, vector) in corpus)
            {
                writer.Add(id, vector);
            }
            writer.Complete();
        }
        return index.Open(path, Origin);
    }
}
