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
        registry.Add<ILexicalHead, LexicalHeadOptions>(DenseLexicalHead.Name, (options, services) =>
            new DenseLexicalHead(options, services.GetService(typeof(IGpuDevice)) as IGpuDevice));
        registry.Add<ILexicalHead, LexicalHeadOptions>(FusedLexicalHead.Name, (options, services) =>
            new FusedLexicalHead(options, services.GetService(typeof(IGpuDevice)) as IGpuDevice));
    }
}
