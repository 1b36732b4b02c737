namespace Sieve.Abstractions;

/// <summary>Names the configuration slot a slot interface fills (<c>Sieve:Operators:&lt;slot&gt;</c>).</summary>
[AttributeUsage(AttributeTargets.Interface, AllowMultiple = false, Inherited = false)]
public sealed class OperatorSlotAttribute(string name) : Attribute
{
    /// <summary>The slot's name, e.g. <c>attention</c>.</summary>
    public string Name { get; } = name;
}
