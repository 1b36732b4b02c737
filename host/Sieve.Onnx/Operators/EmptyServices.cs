namespace Sieve.Host.Operators;

/// <summary>A service provider with no services, for operators created outside the host (tests, tools).</summary>
internal sealed class EmptyServices : IServiceProvider
{
    public static readonly EmptyServices Instance = new();

    public object? GetService(Type serviceType) => null;
}
