using Sieve.Abstractions;

[assembly: SieveContractVersion(SieveContract.Major, SieveContract.Minor)]

namespace Sieve.Plugins.Heads;

/// <summary>The heads plugin: registers <c>lexical-head/dense</c> (the reference) and <c>lexical-head/fused</c>.</summary>
public sealed class HeadsPlugin : ISievePlugin
{
    public string Name => "heads";

    public void Register(IOperatorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Add<ILexicalHead, LexicalHeadOptions>(DenseLexicalHead.Name, (options, _) => new DenseLexicalHead(options));
        registry.Add<ILexicalHead, LexicalHeadOptions>(FusedLexicalHead.Name, (options, _) => new FusedLexicalHead(options));
    }
}
