using System.CommandLine;
using System.CommandLine.Help;
using Sieve.Host.Jobs;

namespace Sieve.Host.Cli;

/// <summary>
/// The grammar of <c>sieve</c>: each verb declares the options it reads, with their defaults and one line of help;
/// <c>bench</c> and <c>eval</c> (and their kinds) come from the tools assembly (<see cref="ISieveTools"/>). System.CommandLine
/// parses and prints help; the generic host runs the verb.
/// </summary>
internal static class SieveCommands
{
    public const string Run = "run", Plugins = "plugins", Inspect = "inspect", Bench = "bench", Eval = "eval", Quantize = "quantize", Profile = "profile",
        ClusterHead = "cluster-head", Help = "help";

    public static readonly IReadOnlyList<string> Verbs = [Run, Plugins, Inspect, Bench, Eval, Quantize, Profile, ClusterHead, Help];

    /// <summary>Whether <paramref name="verb"/> comes from the tools assembly (<c>bench</c>, <c>eval</c>, <c>quantize</c>, <c>profile</c>, <c>cluster-head</c>).</summary>
    public static bool IsToolVerb(string? verb) => verb is Bench or Eval or Quantize or Profile or ClusterHead;

    /// <summary>The whole command tree; a fresh one per call (System.CommandLine symbols hold their parent).</summary>
    /// <param name="tools">The verbs of the tools assembly; null: <c>bench</c> and <c>eval</c> stand in as <see cref="MissingToolsVerb"/>s.</param>
    public static RootCommand Create(ISieveTools? tools)
    {
        var root = new RootCommand("sieve: runs ONNX models over JSONL records with pluggable operators (sieve plugins lists them).")
        {
            GlobalOptions.Config(),
            GlobalOptions.Set(),
            GlobalOptions.Verbose(),
            RunVerb(),
            PluginsVerb(),
            InspectVerb(),
        };
        foreach (var verb in tools?.CreateVerbs() ?? [new MissingToolsVerb(Bench, "Benchmarks"), new MissingToolsVerb(Eval, "Quality evaluations"), new MissingToolsVerb(Quantize, "Weight quantization"),
            new MissingToolsVerb(Profile, "Layer-reuse profiling"), new MissingToolsVerb(ClusterHead, "Clustered LM heads")])
        {
            root.Add(verb);
        }
        root.Add(HelpVerb());
        foreach (var help in root.Options.OfType<HelpOption>())
        {
            if (help.Action is HelpAction action)
            {
                help.Action = new HelpWithExamplesAction(action);
            }
        }
        return root;
    }

    private static SieveVerb RunVerb() => new(Run, "Runs the configured jobs in order (the default verb), or one of them.",
        "sieve run", "sieve run --job embed --set Sieve:Jobs:0:BatchSize=64", "sieve run --config my.json --shard 0/4")
    {
        new Option<string?>("--job") { Description = "Runs only the job with this Name (Sieve:Jobs:<i>:Name).", HelpName = "NAME" },
        new Option<Shard>("--shard")
        {
            Description = "Takes records k with k mod N = i and writes OUTPUT.shard-i-of-N (for schedulers running N copies).",
            HelpName = "i/N",
            DefaultValueFactory = _ => Shard.Whole,
            CustomParser = result =>
            {
                try
                {
                    return Shard.Parse(result.Tokens[^1].Value);
                }
                catch (SieveException invalid)
                {
                    result.AddError(invalid.Message);
                    return Shard.Whole;
                }
            },
        },
    };

    private static SieveVerb PluginsVerb() => new(Plugins, "Lists the plugins found, those refused (and why), and the implementations registered.",
        "sieve plugins", "sieve plugins --config my.json");

    private static SieveVerb InspectVerb() => new(Inspect,
        "Shows a model's inputs, outputs, opsets, node counts and the nodes each slot would replace.",
        "sieve inspect minilm", "sieve inspect model.onnx --rewrite model.sieve.onnx")
    {
        new Argument<string>("MODEL") { Description = "A model name under Sieve:Models, or a path to an .onnx file." },
        new Option<string?>("--rewrite") { Description = "Saves the model as the configured passes rewrite it.", HelpName = "OUT.onnx" },
    };

    private static SieveVerb HelpVerb() => new(Help, "Shows help for a verb, e.g. 'sieve help run' or 'sieve help bench embed'.",
        "sieve help", "sieve help plugins")
    {
        new Argument<string[]>("VERB") { Description = "The verb (and kind) to explain.", Arity = ArgumentArity.ZeroOrMore },
    };
}
