namespace Sieve.Host.Operators;

/// <summary>
/// An implementation chosen by configuration, with its validated options; <paramref name="Global"/> when it comes from
/// <c>Sieve:Operators</c> (for every job whose pipeline uses the slot) rather than from one job's own selections.
/// </summary>
internal sealed record BoundOperator(OperatorImplementation Implementation, object Options, bool Global = false)
{
    public object Create(IServiceProvider services) => Implementation.Create(Options, services);

    public override string ToString() => Implementation.FullName;
}
