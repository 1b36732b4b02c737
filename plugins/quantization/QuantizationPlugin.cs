using Sieve.Abstractions;

[assembly: SieveContractVersion(SieveContract.Major, SieveContract.Minor)]

namespace Sieve.Plugins.Quantization;

/// <summary>The quantization plugin: registers <c>weight-quant/dense-and-sparse</c>.</summary>
public sealed class QuantizationPlugin : ISievePlugin
{
    public string Name => "quantization";

    public void Register(IOperatorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Add<IWeightQuantizer, DenseSparseOptions>(DenseSparseWeightQuantizer.Name, (_, services) =>
            new DenseSparseWeightQuantizer(services.GetService(typeof(IGpuDevice)) as IGpuDevice));
    }
}
