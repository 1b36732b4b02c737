using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace Sieve.Host.Cli;

/// <summary>
/// The verbs that live outside the runtime assembly (<c>bench</c> and <c>eval</c>, in Sieve.Tools): their grammar and
/// the command that runs each. <see cref="SieveTools"/> finds the one implementation; the host never references it.
/// </summary>
internal interface ISieveTools
{
    /// <summary>The verbs, each named by one of <see cref="SieveCommands"/>' constants; fresh commands per call.</summary>
    IReadOnlyList<Command> CreateVerbs();

    /// <summary>Registers the <see cref="ISieveCommand"/> that runs <paramref name="commandLine"/>'s verb (one of <see cref="CreateVerbs"/>).</summary>
    void AddCommand(IServiceCollection services, CommandLine commandLine);
}
