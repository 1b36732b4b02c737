using Lucene.Net.Analysis;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Sieve.Abstractions;

namespace Sieve.Host.Retrieval;

/// <summary>
/// The BM25 peer: Lucene.Net's <see cref="EnglishAnalyzer"/> and <see cref="BM25Similarity"/> (k1 1.2, b 0.75) over an
/// in-memory index of the documents' text. Queries are the analyzed terms of the text, each an optional clause.
/// Built once; thread-safe for searching.
/// </summary>
internal sealed class Bm25Index : IDisposable
{
    private const LuceneVersion Version = LuceneVersion.LUCENE_48;
    private const string TextField = "text";
    private const string IdField = "id";
    private readonly RAMDirectory _directory;
    private readonly Analyzer _analyzer;
    private readonly DirectoryReader _reader;
    private readonly IndexSearcher _searcher;
    private readonly string[] _idsByDocument;

    private Bm25Index(RAMDirectory directory, Analyzer analyzer)
    {
        _directory = directory;
        _analyzer = analyzer;
        _reader = DirectoryReader.Open(directory);
        _searcher = new IndexSearcher(_reader) { Similarity = new BM25Similarity(1.2f, 0.75f) };
        // Lucene's document numbers mapped to ids once, so that a search reads no stored fields.
        _idsByDocument = new string[_reader.MaxDoc];
        for (var doc = 0; doc < _reader.MaxDoc; doc++)
        {
            _idsByDocument[doc] = _reader.Document(doc).Get(IdField);
        }
    }

    public int Count => _idsByDocument.Length;

    /// <summary>Bytes of the index's files.</summary>
    public long SizeInBytes => _directory.GetSizeInBytes();

    /// <summary>Indexes the documents' text, in the order given.</summary>
    public static Bm25Index Build(IEnumerable<(string Id, string Text)> documents)
    {
        var directory = new RAMDirectory();
        var analyzer = new EnglishAnalyzer(Version);
        try
        {
            var config = new IndexWriterConfig(Version, analyzer)
            {
                Similarity = new BM25Similarity(1.2f, 0.75f),
                OpenMode = OpenMode.CREATE,
            };
            using (var writer = new IndexWriter(directory, config))
            {
                foreach (var (id, text) in documents)
                {
                    writer.AddDocument(new Document
                    {
                        new StringField(IdField, id, Field.Store.YES),
                        new TextField(TextField, text, Field.Store.NO),
                    });
                }
                writer.ForceMerge(1);
                writer.Commit();
            }
            return new Bm25Index(directory, analyzer);
        }
        catch
        {
            analyzer.Dispose();
            directory.Dispose();
            throw;
        }
    }

    /// <summary>The analyzed terms of a query text (stemmed, stop words removed); empty when none is left.</summary>
    public IReadOnlyList<string> Analyze(string text)
    {
        var terms = new List<string>();
        using var stream = _analyzer.GetTokenStream(TextField, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            terms.Add(term.ToString());
        }
        stream.End();
        return terms;
    }

    /// <summary>The <paramref name="k"/> best documents for analyzed <paramref name="terms"/>, best first.</summary>
    public SearchHit[] Search(IReadOnlyList<string> terms, int k)
    {
        if (terms.Count == 0 || Count == 0)
        {
            return [];
        }
        var query = new BooleanQuery();
        foreach (var term in terms)
        {
            query.Add(new TermQuery(new Term(TextField, term)), Occur.SHOULD);
        }
        var top = _searcher.Search(query, Math.Min(k, Count));
        var hits = new SearchHit[top.ScoreDocs.Length];
        for (var i = 0; i < hits.Length; i++)
        {
            hits[i] = new SearchHit(_idsByDocument[top.ScoreDocs[i].Doc], top.ScoreDocs[i].Score);
        }
        return hits;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _analyzer.Dispose();
        _directory.Dispose();
    }
}
