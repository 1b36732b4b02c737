using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Sieve.Host.Cli;

/// <summary>System.CommandLine's help (usage, arguments, options, one line each), then the verb's examples.</summary>
internal sealed class HelpWithExamplesAction(HelpAction help) : SynchronousCommandLineAction
{
    private static readonly string[] RootExamples = ["sieve run", "sieve run --job embed --set Sieve:Device=cuda", "sieve help inspect"];

    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var exitCode = help.Invoke(parseResult);
        var command = parseResult.CommandResult.Command;
        var examples = command is SieveVerb verb ? verb.Examples : command is RootCommand ? RootExamples : [];
        if (examples.Count > 0)
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("Examples:");
            foreach (var example in examples)
            {
                output.WriteLine("  " + example);
            }
            output.WriteLine();
        }
        return exitCode;
    }
}
