using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Sieve.Host.Cli;

namespace Sieve.Tools.Cli;

/// <summary>The <c>bench</c> and <c>eval</c> verbs that <c>sieve</c> loads from this assembly (found by <see cref="SieveTools"/>).</summary>
internal sealed class SieveToolVerbs : ISieveTools
{
    public IReadOnlyList<Command> CreateVerbs() => [BenchVerb.Create(), EvalVerb.Create(), QuantizeVerb.Create(), ProfileVerb.Create(), ClusterHeadVerb.Create()];

    public void AddCommand(IServiceCollection services, CommandLine commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        services.AddSingleton(typeof(ISieveCommand), commandLine.Verb switch
        {
            SieveCommands.Bench => typeof(BenchCommand),
            SieveCommands.Eval => typeof(EvalCommand),
            SieveCommands.Quantize => typeof(QuantizeCommand),
            SieveCommands.Profile => typeof(ProfileCommand),
            SieveCommands.ClusterHead => typeof(ClusterHeadCommand),
            _ => throw new ArgumentException($"'{commandLine.Verb}' is not a verb of {SieveTools.AssemblyName}.", nameof(commandLine)),
        });
    }
}
