using System.CommandLine;
using Sieve.Host.Cli;

namespace Sieve.Tools.Cli;

/// <summary><c>sieve eval KIND</c>: each evaluation and the options it reads.</summary>
internal static class EvalVerb
{
    public static readonly IReadOnlyList<string> Kinds = ["embed-fidelity", "retrieval", "lm", "lm-head"];

    public static SieveVerb Create() => new(SieveCommands.Eval, "Quality evaluations: Sieve's operators against the model's own and against peers.",
        "sieve eval embed-fidelity --texts 200", "sieve eval retrieval --docs 600 --queries 12")
    {
        new SieveVerb("embed-fidelity", "Embeddings with attention/dense and attention/block-sparse vs the model's own (the embed job's model and input).",
            "sieve eval embed-fidelity --densities 0.25,0.5 --texts 100")
        {
            VerbOptions.NumberList("--densities", [0.25, 0.5, 0.75], "Block-sparse densities to compare."),
            VerbOptions.PositiveInt("--block-size", 16, "Block-sparse block size."),
            VerbOptions.PositiveInt("--texts", 200, "Texts in the fidelity set."),
        },
        new SieveVerb("retrieval", "Sparse vs dense vs BM25 on Nave's Topical Bible over the WEB (docs/retrieval.md).",
            "sieve eval retrieval --docs 600 --queries 12 --head dense")
        {
            VerbOptions.Text("--model", "NAME", null, "A BERT-style encoder under Sieve:Models (default: the first model)."),
            VerbOptions.Text("--collection", "DIR", ".data/nave-web", "The collection folder (built from the SWORD modules when missing)."),
            VerbOptions.OptionalPositiveInt("--docs", "Documents to use (default: all)."),
            VerbOptions.OptionalPositiveInt("--queries", "Queries to use (default: all)."),
            VerbOptions.Text("--head", "fused|dense", "fused", "The lexical head implementation."),
            VerbOptions.PositiveInt("--terms", 32, "Terms the head keeps per document (its TopK)."),
            VerbOptions.PositiveIntList("--query-terms", [16], "Terms kept per query; several values, several runs."),
            VerbOptions.Text("--gpu-precision", "fp32|fp16", "fp32", "The head's GpuPrecision on CUDA.", "fp32", "fp16"),
        },
        new SieveVerb("lm", "Held-out perplexity and pass-key accuracy of a causal LM (docs/generation.md).",
            "sieve eval lm --contexts 1024,4096 --windows 8")
        {
            VerbOptions.Text("--model", "NAME", null, "A causal LM under Sieve:Models (default: the generate job's model)."),
            VerbOptions.PositiveIntList("--contexts", [], "Context lengths for perplexity (default: 1024, 4096 and the model's context)."),
            VerbOptions.OptionalPositiveInt("--windows", "Windows per context (default: all)."),
            VerbOptions.PositiveIntList("--lengths", [], "Pass-key lengths (default: those of the pass-key set)."),
            VerbOptions.OptionalPositiveInt("--per-cell", "Pass-key cases per cell (default: all)."),
            VerbOptions.NameList("--attention", [], "Compare attentions: model,dense,block-sparse,layer-reuse (default: the configured one only; layer-reuse needs Options:Policy)."),
            VerbOptions.NameList("--selection", [], "Block-sparse selections to compare: compressed,key-bounds,oracle,compressed-tile " +
                "(with --attention block-sparse; the configured block-sparse options apply to each)."),
        },
        new SieveVerb("lm-head", "lm-head/clustered vs lm-head/dense on a causal LM: top-1 agreement, coverage and perplexity on held-out text, greedy continuations token by token.",
            "sieve eval lm-head --head-file models/sieve-lm/lm-head-128.bin --probes 4,8,16,32", "sieve eval lm-head --head-file h.bin --windows 2 --prompts 8")
        {
            VerbOptions.Text("--model", "NAME", null, "A causal LM under Sieve:Models (default: the generate job's model)."),
            VerbOptions.Text("--head-file", "FILE", null, "The head file `sieve cluster-head` wrote for the model."),
            VerbOptions.PositiveIntList("--probes", [4, 8, 16, 32], "Clusters kept per step, one evaluation each."),
            VerbOptions.PositiveInt("--context", 1024, "Held-out window length."),
            VerbOptions.PositiveInt("--windows", 4, "Held-out windows scored."),
            VerbOptions.PositiveInt("--prompts", 16, "Greedy: held-out prompts (taken after the windows)."),
            VerbOptions.PositiveInt("--prompt-length", 64, "Greedy: tokens per prompt."),
            VerbOptions.PositiveInt("--new-tokens", 32, "Greedy: tokens generated per prompt."),
        },
    };
}
