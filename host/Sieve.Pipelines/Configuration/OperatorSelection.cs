namespace Sieve.Host.Configuration;

/// <summary>
/// <c>Sieve:Operators:&lt;slot&gt;</c>: the implementation that fills a slot, and its options.
/// </summary>
public sealed class OperatorSelection
{
    /// <summary>The implementation's name within the slot; empty means the model's own operators run.</summary>
    public string Use { get; set; } = "";

    /// <summary>Bound once, at start, to the implementation's own options type by <see cref="Operators.OperatorBinder"/>.</summary>
    public Microsoft.Extensions.Configuration.IConfigurationSection? Options { get; set; }
}
