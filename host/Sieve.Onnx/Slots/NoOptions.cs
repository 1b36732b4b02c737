namespace Sieve.Host.Slots;

/// <summary>The options of an implementation that has none: any key under its <c>Options</c> is refused.</summary>
public sealed class NoOptions;
