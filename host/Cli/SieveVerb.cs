using System.CommandLine;

namespace Sieve.Host.Cli;

/// <summary>A verb of <c>sieve</c> (or a kind of <c>bench</c> and <c>eval</c>): a command whose help ends with examples.</summary>
internal sealed class SieveVerb(string name, string description, params string[] examples) : Command(name, description)
{
    /// <summary>Whole command lines, shown under "Examples:" in the verb's help.</summary>
    public IReadOnlyList<string> Examples { get; } = examples;
}
