using Sieve.Abstractions;

// The contract this plugin was compiled against: the host refuses another major version or a newer minor one.
[assembly: SieveContractVersion(SieveContract.Major, SieveContract.Minor)]

namespace SievePlugin1;

/// <summary>
/// The plugin's entry point (one per assembly, public, parameterless constructor). The host creates it once and calls
/// <see cref="Register"/> once at start-up; <c>sieve plugins</c> lists it under <see cref="Name"/>.
/// </summary>
public sealed class Plugin : ISievePlugin
{
    public string Name => "sieve-plugin-name";

    /// <summary>
    /// Registers <c>weight-quant/int8</c>: select it with <c>--set Sieve:Operators:weight-quant:Use=int8</c>; its options
    /// are bound from <c>Sieve:Operators:weight-quant:Options</c>.
    /// </summary>
    public void Register(IOperatorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Add<IWeightQuantizer, Int8WeightQuantizerOptions>("int8", (options, _) => new Int8WeightQuantizer(options));
    }
}
