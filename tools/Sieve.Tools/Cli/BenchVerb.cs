using System.CommandLine;
using Sieve.Host.Cli;

namespace Sieve.Tools.Cli;

/// <summary><c>sieve bench KIND</c>: each benchmark and the options it reads.</summary>
internal static class BenchVerb
{
    public static readonly IReadOnlyList<string> Kinds = ["embed", "attention", "lexical-head", "generate", "gpu-attention", "quantized-matmul", "kmeans", "lm-head"];

    public static SieveVerb Create() => new(SieveCommands.Bench, "Benchmarks, each against its baseline in the same process.",
        "sieve bench embed --records 2048 --repeat 9", "sieve bench attention --kernels-only --lengths 512,2048")
    {
        new SieveVerb("embed", "Records/s of the configured embed job through the host vs bare ONNX Runtime.",
            "sieve bench embed --records 2048 --repeat 5")
        {
            VerbOptions.PositiveInt("--records", 2048, "Records to embed (the job's input, repeated)."),
            VerbOptions.OptionalPositiveInt("--batch-size", "Records per model run (default: the embed job's BatchSize)."),
            VerbOptions.PositiveInt("--repeat", 5, "Timed repeats after a warm-up."),
        },
        new SieveVerb("attention", "Attention kernels (dense vs block-sparse) on random data, then the embed pipeline with each attention.",
            "sieve bench attention --kernels-only --lengths 512,2048 --head-sizes 64", "sieve bench attention --pipelines-only --attention model,dense")
        {
            VerbOptions.PositiveIntList("--lengths", [512, 2048, 8192, 32768], "Kernels: sequence lengths."),
            VerbOptions.PositiveIntList("--head-sizes", [32, 64, 128], "Kernels: head sizes."),
            VerbOptions.PositiveInt("--heads", 12, "Kernels: attention heads."),
            VerbOptions.PositiveInt("--batch-size", 1, "Kernels: batch size."),
            VerbOptions.Number("--density", 0.25, "Kernels: fraction of key blocks block-sparse keeps."),
            VerbOptions.PositiveInt("--repeat", 3, "Pipelines: alternating repeats after a warm-up."),
            VerbOptions.PositiveInt("--records", 1024, "Pipelines: short records to embed."),
            VerbOptions.NameList("--attention", [], "Pipelines: which of model, dense, block-sparse to run (default: all; the first is the |Δ| baseline)."),
            VerbOptions.Switch("--kernels-only", "Runs only the kernel benchmark."),
            VerbOptions.Switch("--pipelines-only", "Runs only the pipeline benchmark."),
        },
        new SieveVerb("lexical-head", "Lexical heads (dense vs fused) on random hidden states.",
            "sieve bench lexical-head --batch-size 32 --lengths 256 --repeat 7")
        {
            VerbOptions.PositiveInt("--batch-size", 32, "Sequences per batch."),
            VerbOptions.PositiveIntList("--lengths", [256], "Sequence lengths."),
            VerbOptions.PositiveInt("--repeat", 3, "Timed repeats."),
        },
        new SieveVerb("generate", "Prefill and decode tokens/s of a causal LM with each attention.",
            "sieve bench generate --batches 1,8 --attention model,dense",
            "sieve bench generate --lengths 2048,4096 --batches 1 --attention dense,block-sparse,layer-reuse --selection compressed,key-bounds --set Sieve:Operators:attention:Use=layer-reuse --set Sieve:Operators:attention:Options:Policy=models/sieve-lm/layer-reuse.json")
        {
            VerbOptions.Text("--model", "NAME", null, "A causal LM under Sieve:Models (default: the generate job's model)."),
            VerbOptions.PositiveIntList("--lengths", [512], "Prompt lengths in held-out tokens."),
            VerbOptions.PositiveInt("--new-tokens", 32, "Tokens generated per prompt (greedy)."),
            VerbOptions.PositiveInt("--repeat", 2, "Timed repeats (the median is reported)."),
            VerbOptions.PositiveIntList("--batches", [1, 8, 32], "Batch sizes."),
            VerbOptions.NameList("--attention", ["model", "dense", "block-sparse"],
                "Attentions: model (the graph's own), dense, block-sparse, layer-reuse (block-sparse and layer-reuse take the configured attention options)."),
            VerbOptions.NameList("--selection", [], "Block-sparse selections to compare (compressed, key-bounds, oracle, compressed-tile); default: the configured one."),
        },
        new SieveVerb("quantized-matmul", "Dense-and-sparse 3/4-bit MatMul vs ONNX Runtime's MatMul (cuBLAS on CUDA) at LLaMA-7B shapes, with bandwidth.",
            "sieve bench quantized-matmul --set Sieve:Device=cuda", "sieve bench quantized-matmul --shapes 1024x1024 --batches 1,16 --calls 20")
        {
            VerbOptions.NameList("--shapes", ["4096x4096", "4096x11008", "11008x4096"], "Weight shapes KxN (X [m, K] · W [K, N])."),
            VerbOptions.PositiveIntList("--batches", [1, 4, 16], "Rows of X (m)."),
            VerbOptions.PositiveIntList("--bits", [4, 3], "Bits of our kernel."),
            VerbOptions.PositiveInt("--calls", 200, "Back-to-back calls per timing."),
            VerbOptions.Number("--rotate-mb", 128, "Operand copies cycled through per timing, in MiB (over 2× the L2: 50 MB H100, 60 MB H200)."),
        },
        new SieveVerb("kmeans", "Flash-KMeans' fused assignment vs the materialised N×K distances + argmin (GPU kernel too with Sieve:Device=cuda).",
            "sieve bench kmeans --shapes 65536x256x128,16384x1024x512", "sieve bench kmeans --set Sieve:Device=cuda --shapes 1000000x1024x128,131072x4096x512")
        {
            VerbOptions.NameList("--shapes", ["65536x256x128", "16384x1024x512"], "Points × clusters × dimension (NxKxD)."),
            VerbOptions.PositiveInt("--repeat", 3, "Timed alternating runs after a warm-up (the median is reported)."),
        },
        new SieveVerb("lm-head", "lm-head/clustered vs the dense head, µs per decode step on the CPU, at sieve-lm and at a large synthetic vocabulary.",
            "sieve bench lm-head --vocabularies sieve-lm,128256x4096 --batches 1,8", "sieve bench lm-head --vocabularies sieve-lm --probes 8,16,32 --steps 200")
        {
            VerbOptions.NameList("--vocabularies", ["sieve-lm", "128256x4096"], "sieve-lm (the generate job's model) or VxD random embeddings with cluster structure."),
            VerbOptions.PositiveIntList("--batches", [1, 8], "Rows per step."),
            VerbOptions.PositiveIntList("--probes", [8, 16, 32], "Clusters kept per step (those above a head's K are skipped)."),
            VerbOptions.PositiveInt("--steps", 50, "Timed steps (the median is reported)."),
            VerbOptions.PositiveInt("--lm-clusters", 128, "sieve-lm: K for its Flash-KMeans head."),
            VerbOptions.OptionalPositiveInt("--kmeans-iterations", "VxD: run Flash-KMeans for this many iterations instead of using the generating groups."),
        },
        new SieveVerb("gpu-attention", "GPU attention kernels at long contexts (needs --set Sieve:Device=cuda).",
            "sieve bench gpu-attention --set Sieve:Device=cuda --lengths 4096,16384 --json gpu.json")
        {
            VerbOptions.PositiveIntList("--lengths", [4096, 16384, 65536, 131072], "Sequence lengths."),
            VerbOptions.PositiveInt("--head-size", 128, "Head size."),
            VerbOptions.Number("--amplitude", 1.5, "Spread of the random scores (1.5: the 16 heaviest blocks hold ~98% of attention at 16K)."),
            VerbOptions.NameList("--kernels", ["dense-fp32", "dense-fp32-general", "dense-fp16", "block-sparse", "block-sparse-fp16-scores"], "Kernels to time."),
            VerbOptions.PositiveInt("--top-k-blocks", 16, "Block-sparse: key blocks kept per query block."),
            VerbOptions.Text("--json", "FILE", null, "Also writes the results as JSON."),
        },
    };
}
