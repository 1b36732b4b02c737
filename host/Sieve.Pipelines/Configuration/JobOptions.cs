namespace Sieve.Host.Configuration;

/// <summary><c>Sieve:Jobs:&lt;i&gt;</c>: one batch job.</summary>
public sealed class JobOptions
{
    public string Name { get; set; } = "";

    /// <summary>One of <see cref="Pipelines.PipelineCatalog.Names"/>.</summary>
    public string Pipeline { get; set; } = "";

    /// <summary>A key of <see cref="SieveOptions.Models"/>.</summary>
    public string Model { get; set; } = "";

    /// <summary>Input JSONL, one record a line, each with an <c>id</c>.</summary>
    public string Input { get; set; } = "";

    /// <summary>Output JSONL; written to <c>Output.partial</c> and renamed when complete.</summary>
    public string Output { get; set; } = "";

    /// <summary>Records per model run.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Stop at the first bad record instead of reporting it and going on.</summary>
    public bool StopOnError { get; set; }

    /// <summary>Overrides of <see cref="SieveOptions.Operators"/> for this job.</summary>
    public Dictionary<string, OperatorSelection> Operators { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary><c>search</c>: which system answers: <c>dense</c> (default), <c>sparse</c> or <c>bm25</c>.</summary>
    public string Retriever { get; set; } = Retrieval.Retrievers.Dense;

    /// <summary>
    /// <c>search</c>: for <c>dense</c>, the embeddings JSONL (an <c>embed</c> job's output); for <c>bm25</c>, the documents
    /// JSONL (<c>{"id", "text"}</c>) to index at start.
    /// </summary>
    public string? Corpus { get; set; }

    /// <summary><c>index</c>: the inverted index to write; <c>search</c> with <c>sparse</c>: the index to search.</summary>
    public string? Index { get; set; }

    /// <summary><c>search</c>: the corpus's original JSONL, used only to print the text of hits.</summary>
    public string? Documents { get; set; }

    /// <summary><c>search</c> with <c>sparse</c>: keep each query's heaviest terms only (0: every term the head keeps).</summary>
    public int QueryTerms { get; set; }

    /// <summary><c>search</c>: hits per query.</summary>
    public int TopK { get; set; } = 10;

    /// <summary><c>search</c>: hits per query printed to the console (0: none).</summary>
    public int PrintHits { get; set; }

    /// <summary><c>generate</c>: <c>max_new_tokens</c> of records that leave it out.</summary>
    public int MaxNewTokens { get; set; } = 64;

    /// <summary><c>generate</c>: <c>temperature</c> of records that leave it out (0: greedy).</summary>
    public float Temperature { get; set; }

    /// <summary><c>generate</c>: <c>top_p</c> of records that leave it out.</summary>
    public float TopP { get; set; } = 1;

    /// <summary><c>generate</c>: <c>seed</c> of records that leave it out.</summary>
    public int Seed { get; set; }
}
