using System.CommandLine;

namespace Sieve.Host.Cli;

/// <summary>
/// Stands for a verb of the tools (<c>bench</c>, <c>eval</c>) where they are not loaded: it takes any arguments, so that
/// <c>sieve bench embed --records 64</c> is answered with <see cref="SieveTools.NotInstalled"/>, not a parse error.
/// </summary>
internal sealed class MissingToolsVerb : Command
{
    public MissingToolsVerb(string name, string description) : base(name, description + ": not installed in this deployment (Sieve.Tools).")
    {
        TreatUnmatchedTokensAsErrors = false;
        Add(new Argument<string[]>("ARGS") { Arity = ArgumentArity.ZeroOrMore, Hidden = true });
    }
}
