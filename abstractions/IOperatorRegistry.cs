namespace Sieve.Abstractions;

/// <summary>
/// Receives a plugin's operator implementations. Each is registered under its slot (the host's slot whose contract
/// interface is <c>TSlot</c>) and a name unique within that slot, e.g.
/// <c>attention/block-sparse</c>. Not thread-safe; used only inside <see cref="ISievePlugin.Register"/>.
/// </summary>
public interface IOperatorRegistry
{
    /// <summary>
    /// Registers an implementation whose options are bound from <c>Sieve:Operators:&lt;slot&gt;:Options</c>.
    /// Options are validated with <c>System.ComponentModel.DataAnnotations</c> attributes and
    /// <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/> before the first run; a bad value
    /// stops the run with the setting's full key.
    /// </summary>
    /// <typeparam name="TSlot">A slot's contract interface (<see cref="IAttention"/>, <see cref="IKvCache"/>, <see cref="IWeightQuantizer"/>, <see cref="ILexicalHead"/>, <see cref="ISparseIndex"/>).</typeparam>
    /// <typeparam name="TOptions">A settable POCO; a fresh instance with its defaults is bound each time.</typeparam>
    /// <param name="name">The implementation's name within the slot (lower-case, dash-separated).</param>
    /// <param name="create">
    /// Creates the implementation from validated options and the host's services. Called once per model or
    /// job that selects it; the host disposes the result if it is <see cref="IDisposable"/>.
    /// </param>
    /// <exception cref="ArgumentException">No slot of the host has <c>TSlot</c> as its contract, or the name is empty.</exception>
    /// <exception cref="InvalidOperationException">The slot already has an implementation of that name.</exception>
    void Add<TSlot, TOptions>(string name, Func<TOptions, IServiceProvider, TSlot> create)
        where TSlot : class
        where TOptions : class, new();
}
