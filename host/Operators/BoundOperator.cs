namespace Sieve.Host.Operators;

/// <summary>An implementation chosen by configuration, with its validated options.</summary>
internal sealed record BoundOperator(OperatorImplementation Implementation, object Options)
{
    public object Create(IServiceProvider services) => Implementation.Create(Options, services);

    public override string ToString() => Implementation.FullName;
}
