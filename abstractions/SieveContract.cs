namespace Sieve.Abstractions;

/// <summary>
/// The version of the operator contract. A plugin records the version it was compiled against with
/// <see cref="SieveContractVersionAttribute"/>; the constants are baked into the plugin at compile time.
/// </summary>
/// <remarks>
/// Rule: a plugin loads when its major version equals the host's and its minor version is not newer.
/// A breaking change to any type in this assembly raises <see cref="Major"/>.
/// </remarks>
public static class SieveContract
{
    /// <summary>Raised on any breaking change to the contract.</summary>
    public const int Major = 4;

    /// <summary>Raised when members are added without breaking existing plugins.</summary>
    public const int Minor = 1;

    /// <summary>The contract version as text, e.g. <c>1.0</c>.</summary>
    public static string Text => $"{Major}.{Minor}";

    /// <summary>Whether a plugin built against <paramref name="major"/>.<paramref name="minor"/> can run on this contract.</summary>
    public static bool Accepts(int major, int minor) => major == Major && minor <= Minor;
}
