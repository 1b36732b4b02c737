namespace Sieve.Abstractions;

/// <summary>
/// An opaque address of device memory. Plugins pass it back to the host's device service and never
/// dereference it; it is valid only as long as the view that carried it.
/// </summary>
/// <param name="Value">The raw address; zero means none.</param>
public readonly record struct DeviceAddress(ulong Value)
{
    /// <summary>Whether this is the null address.</summary>
    public bool IsNull => Value == 0;
}
