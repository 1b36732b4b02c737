using System.Diagnostics;
using Sieve.Abstractions;
using Sieve.Tools.Bench;
using Sieve.Host.Configuration;
using Sieve.Host.Onnx;
using Sieve.Host.Operators;
using Sieve.Host.Pipelines;
using Sieve.Host.Plugins;
using Sieve.Host.Retrieval;
using Sieve.Host.Text;

namespace Sieve.Tools.Eval;

/// <summary>
/// <c>sieve eval retrieval</c>: learned-sparse search (lexical head + inverted index), exact dense search and Lucene
/// BM25 on one test collection, each searched through its <see cref="IRetriever"/> as the <c>search</c> pipeline does.
/// The encoder runs once over the corpus; its hidden states give both the dense embeddings and the sparse vectors.
/// </summary>
internal sealed class RetrievalEvaluation(SieveOptions options, ConfigPaths paths, PluginCatalog plugins, IServiceProvider services)
{
    private const int EncodeBatch = 32;
    private const int WarmupQueries = 50;

    public RetrievalReport Run(RetrievalEvaluationSettings settings, TextWriter log)
    {
        var data = settings.Data;
        var modelOptions = options.Models[settings.Model];
        var modelPath = paths.Resolve(modelOptions.Path);
        var head = OperatorBinder.Standalone<ILexicalHead>(plugins, settings.Head, settings.HeadOptions);
        var indexChoice = OperatorBinder.Standalone<ISparseIndex>(plugins, "inverted");
        // The host's services: the encoder runs on Sieve:Device, and on CUDA the head gets the GPU.
        var (model, encoder) = ConfiguredModels.LoadEncoder(options, paths, settings.Model, services: services);
        using var lexical = LexicalTextModel.Create(model, modelPath, paths.Resolve(modelOptions.Tokenizer!), head.Create<ILexicalHead>(services), head.Implementation.FullName);

        log.WriteLine($"Encoding {data.Corpus.Count:N0} documents with {settings.Model} ...");
        var corpus = EncodeAll(model, lexical, encoder, data.Corpus.Select(d => d.Text).ToList(), out var encoderSeconds, out var headSeconds);

        var dimensions = corpus.Dense[0].Length;
        var matrix = new float[data.Corpus.Count * dimensions];
        for (var i = 0; i < data.Corpus.Count; i++)
        {
            corpus.Dense[i].CopyTo(matrix, i * dimensions);
        }
        var ids = data.Corpus.Select(d => d.Id).ToList();
        // Shares the sparse retriever's encoder, which disposes it.
        var dense = new DenseRetriever(model, encoder, new ExactDenseIndex(ids, matrix, dimensions));

        var folder = Directory.CreateTempSubdirectory("sieve-eval-retrieval-");
        try
        {
            var indexPath = Path.Combine(folder.FullName, "index.sieve");
            var sparseIndex = indexChoice.Create<ISparseIndex>(EmptyServices.Instance);
            var clock = Stopwatch.StartNew();
            using (var writer = sparseIndex.Create(indexPath, lexical.Origin))
            {
                for (var i = 0; i < ids.Count; i++)
                {
                    writer.Add(ids[i], corpus.Sparse[i]);
                }
                writer.Complete();
            }
            var indexSeconds = clock.Elapsed.TotalSeconds;
            using var sparse = new SparseRetriever(lexical, encoder, sparseIndex.Open(indexPath, lexical.Origin), new FileInfo(indexPath).Length,
                $"sparse ({head}, {indexChoice}): MiniLM hidden states × its own word-embedding matrix, special tokens excluded");

            clock.Restart();
            using var bm25 = new Bm25Retriever(Bm25Index.Build(data.Corpus));
            var bm25Seconds = clock.Elapsed.TotalSeconds;

            log.WriteLine($"Encoding {data.Queries.Count:N0} queries ...");
            var queryTexts = data.Queries.Select(q => q.Text).ToList();
            var queries = EncodeAll(model, lexical, encoder, queryTexts, out var queryEncoderSeconds, out var queryHeadSeconds);
            var perQueryEncoder = queryEncoderSeconds * 1000 / queryTexts.Count;
            clock.Restart();
            var bm25Queries = bm25.Prepare(queryTexts);
            var perQueryAnalysis = clock.Elapsed.TotalMilliseconds / queryTexts.Count;

            var sparseBuild = encoderSeconds + headSeconds + indexSeconds;
            var sparseEncode = perQueryEncoder + queryHeadSeconds * 1000 / queryTexts.Count;
            var systems = new List<RetrievalSystemResult>
            {
                Measure("sparse", sparse, SparseRetriever.FromVectors(queries.Sparse, 0), data, settings.K, sparseBuild, sparseEncode, log),
                Measure("dense", dense, [.. queries.Dense.Select(v => new SearchQuery(v))], data, settings.K,
                    encoderSeconds, perQueryEncoder, log),
                Measure("bm25", bm25, bm25Queries, data, settings.K, bm25Seconds, perQueryAnalysis, log),
            };
            foreach (var terms in settings.QueryTerms.Where(t => t > 0).Distinct().OrderDescending())
            {
                systems.Insert(1, Measure($"sparse-q{terms}", sparse, SparseRetriever.FromVectors(queries.Sparse, terms), data,
                    settings.K, sparseBuild, sparseEncode, log) with { Description = $"the same index, each query cut to its {terms} heaviest terms" });
            }
            var notes = new List<string>
            {
                "No trained SPLADE/LexLIP head ships in any registry reachable here: the sparse system is untrained for retrieval " +
                "(the encoder's own word-embedding matrix as the vocabulary projection).",
                $"Build times: the corpus encoder pass ({encoderSeconds:F1} s) is counted in both dense and sparse; sparse adds the head " +
                $"({headSeconds:F1} s) and the index write ({indexSeconds:F2} s).",
                "Search latency is the index search alone, one query at a time after a warm-up; query encoding (MiniLM, batched; " +
                "Lucene analysis for bm25) is the separate column.",
            };
            return new RetrievalReport(data.Name, data.Corpus.Count, data.Queries.Count, data.Qrels.Values.Sum(r => r.Count),
                encoderSeconds, MachineDescription.Describe(), systems, notes);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static RetrievalSystemResult Measure(string name, IRetriever retriever, SearchQuery[] queries, RetrievalData data, int k,
        double buildSeconds, double encodeMs, TextWriter log)
    {
        log.WriteLine($"Searching with {name} ...");
        for (var i = 0; i < Math.Min(WarmupQueries, queries.Length); i++)
        {
            if (queries[i].Problem is null)
            {
                retriever.Search(queries[i], k);
            }
        }
        var latencies = new List<double>(queries.Length);
        double ndcg = 0, recall = 0, mrr = 0;
        var unanswerable = 0;
        var clock = new Stopwatch();
        for (var i = 0; i < queries.Length; i++)
        {
            var relevant = data.Qrels.TryGetValue(data.Queries[i].Id, out var judged) ? judged : EmptySet;
            if (queries[i].Problem is not null)
            {
                unanswerable++;
                continue;
            }
            clock.Restart();
            var hits = retriever.Search(queries[i], k);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            var ranking = hits.Select(h => h.Id).ToList();
            ndcg += RetrievalMetrics.Ndcg(ranking, relevant, 10);
            recall += RetrievalMetrics.Recall(ranking, relevant, 100);
            mrr += RetrievalMetrics.ReciprocalRank(ranking, relevant, 10);
        }
        var count = Math.Max(queries.Length, 1);
        return new RetrievalSystemResult(name, retriever.Description, ndcg / count, recall / count, mrr / count,
            Statistics.Percentile(latencies, 0.5), Statistics.Percentile(latencies, 0.99), encodeMs, retriever.IndexBytes, buildSeconds, unanswerable);
    }

    private static EncodedSet EncodeAll(SentenceEmbeddingModel model, LexicalTextModel lexical, BertTextEncoder encoder, List<string> texts,
        out double encoderSeconds, out double headSeconds)
    {
        var encoded = texts.Select(encoder.Encode).ToList();
        // Similar lengths together, so that little padding is computed.
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => encoded[i].Ids.Length).ToArray();
        var dense = new float[texts.Count][];
        var sparse = new SparseVector[texts.Count];
        var encoderClock = new Stopwatch();
        var headClock = new Stopwatch();
        for (var start = 0; start < order.Length; start += EncodeBatch)
        {
            var rows = order.AsSpan(start, Math.Min(EncodeBatch, order.Length - start)).ToArray();
            encoderClock.Start();
            // On a CUDA session the states stay on the GPU for the head; a host copy feeds the mean pooling.
            EncodedText[] batch = [.. rows.Select(r => encoded[r])];
            using var onDevice = model.EncodeOnDevice(batch);
            var hidden = onDevice?.Download() ?? model.Encode(batch);
            for (var i = 0; i < rows.Length; i++)
            {
                dense[rows[i]] = hidden.MeanPoolNormalized(i);
            }
            encoderClock.Stop();
            headClock.Start();
            var vectors = onDevice is null ? lexical.Encode(hidden) : lexical.Encode(onDevice);
            headClock.Stop();
            for (var i = 0; i < rows.Length; i++)
            {
                sparse[rows[i]] = vectors[i];
            }
        }
        encoderSeconds = encoderClock.Elapsed.TotalSeconds;
        headSeconds = headClock.Elapsed.TotalSeconds;
        return new EncodedSet(dense, sparse);
    }

    private static readonly IReadOnlySet<string> EmptySet = new HashSet<string>();

    private sealed record EncodedSet(float[][] Dense, SparseVector[] Sparse);
}
