using Sieve.Tools.Collection;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests.Retrieval;

public class RetrievalCollectionTests
{
    private static TempFolder Collection(string queries, string corpus, string qrels)
    {
        var folder = new TempFolder();
        folder.Write("c/queries.jsonl", queries);
        folder.Write("c/corpus.jsonl", corpus);
        folder.Write("c/qrels.tsv", qrels);
        folder.Write("c/summary.json", "{}");
        return folder;
    }

    private const string Queries = "{\"id\":\"q1\",\"text\":\"Aaron\"}\n\n{\"id\":\"q2\",\"text\":\"Sin\",\"key\":\"SIN\"}\n";
    private const string Corpus = "{\"id\":\"Gen.1.1\",\"text\":\"In the beginning\"}\n{\"id\":\"Gen.1.2\",\"text\":\"The earth\"}\n";

    [Fact]
    public void Load_WellFormedFolder_ReadsQueriesCorpusAndJudgements()
    {
        using var folder = Collection(Queries, Corpus, "q1\tGen.1.1\t1\nq1\tGen.1.2\t2\n");

        var collection = RetrievalCollection.Load(folder.File("c"));

        Assert.Equal(["q1", "q2"], collection.Queries.Select(q => q.Id));
        Assert.Equal("SIN", collection.Queries[1].Key);
        Assert.Equal(2, collection.Documents.Count);
        Assert.Equal(2, collection.Qrels["q1"]["Gen.1.2"]);
        Assert.False(collection.Qrels.ContainsKey("q2"));
    }

    [Theory]
    [InlineData("queries", "{\"id\":\"q1\",\"text\":\"a\"}\n{\"id\":\"q1\",\"text\":\"b\"}\n", "queries.jsonl, line 2: duplicate id \"q1\" (first on line 1)")]
    [InlineData("queries", "{\"id\":\"q1\",\"text\":\"a\"}\n{\"id\":\"q2\",\n", "queries.jsonl, line 2: malformed JSON")]
    [InlineData("queries", "{\"id\":\"q1\"}\n", "queries.jsonl, line 1: the record has no \"text\"")]
    [InlineData("corpus", "[1,2]\n", "corpus.jsonl, line 1: expected a JSON object")]
    [InlineData("qrels", "q1\tGen.1.1\n", "qrels.tsv, line 1: expected query_id<TAB>doc_id<TAB>grade")]
    [InlineData("qrels", "q1\tGen.1.1\t1\nq9\tGen.1.1\t1\n", "qrels.tsv, line 2: query \"q9\" is not in queries.jsonl")]
    [InlineData("qrels", "q1\tRev.1.1\t1\n", "qrels.tsv, line 1: document \"Rev.1.1\" is not in corpus.jsonl")]
    [InlineData("qrels", "q1\tGen.1.1\tyes\n", "qrels.tsv, line 1: grade \"yes\" is not an integer")]
    [InlineData("qrels", "q1\tGen.1.1\t1\nq1\tGen.1.1\t1\n", "qrels.tsv, line 2: pair (q1, Gen.1.1) is judged twice")]
    public void Load_BadRecord_ThrowsNamingFileAndLine(string file, string content, string expected)
    {
        using var folder = Collection(file == "queries" ? content : Queries, file == "corpus" ? content : Corpus,
            file == "qrels" ? content : "");

        var error = Assert.Throws<SieveException>(() => RetrievalCollection.Load(folder.File("c")));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoSummary_SaysTheBuildDidNotFinish()
    {
        using var folder = Collection(Queries, Corpus, "");
        File.Delete(folder.File("c/summary.json"));

        var error = Assert.Throws<SieveException>(() => RetrievalCollection.Load(folder.File("c")));

        Assert.Contains("summary.json is missing", error.Message, StringComparison.Ordinal);
    }
}
