using System.CommandLine;
using Sieve.Host.Cli;

namespace Sieve.Tools.Cli;

/// <summary><c>sieve cluster-head MODEL --clusters K --out FILE</c>: the options it reads.</summary>
internal static class ClusterHeadVerb
{
    public static SieveVerb Create() => new(SieveCommands.ClusterHead,
        "Clusters a causal LM's output-embedding rows into K balanced clusters (Flash-KMeans) and writes the head file lm-head/clustered reads.",
        "sieve cluster-head models/sieve-lm/model.onnx --clusters 128 --out models/sieve-lm/lm-head-128.bin",
        "sieve cluster-head sieve-lm --clusters 64 --out out/head64.bin --iterations 40 --set Sieve:Device=cuda")
    {
        new Argument<string>("MODEL") { Description = "An .onnx causal LM whose logits come from a MatMul with a constant projection, or a model name under Sieve:Models." },
        VerbOptions.PositiveInt("--clusters", 128, "K, the number of clusters (at most the vocabulary)."),
        VerbOptions.Text("--out", "FILE", null, "The head file to write."),
        VerbOptions.PositiveInt("--iterations", 25, "The most Lloyd iterations (it stops earlier when no assignment changes)."),
        VerbOptions.PositiveInt("--seed", 1, "Chooses the tokens the centroids start from."),
    };
}
