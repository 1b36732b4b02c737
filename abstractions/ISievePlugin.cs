namespace Sieve.Abstractions;

/// <summary>
/// The entry point of a plugin: one public, non-abstract class with a parameterless constructor per plugin
/// assembly. The host creates it once, calls <see cref="Register"/> once at start-up, and keeps it for the
/// life of the process.
/// </summary>
public interface ISievePlugin
{
    /// <summary>A short, unique name, shown by <c>sieve plugins</c> (e.g. <c>attention</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Adds this plugin's operator implementations. Called once, on one thread. Exceptions thrown here make the
    /// host refuse the whole plugin (nothing it added is kept) and are reported with the plugin's name.
    /// </summary>
    /// <param name="registry">Where implementations are added; valid only during this call.</param>
    void Register(IOperatorRegistry registry);
}
