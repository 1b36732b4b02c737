using Microsoft.Extensions.Logging;

namespace Sieve.Host.Tests.Testing;

/// <summary>A logger that keeps every message, formatted, with its structured values.</summary>
internal sealed class ListLogger : ILogger
{
    public List<string> Messages { get; } = [];

    public List<IReadOnlyList<KeyValuePair<string, object?>>> Values { get; } = [];

    public string Text => string.Join('\n', Messages);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        Messages.Add(formatter(state, exception));
        Values.Add(state as IReadOnlyList<KeyValuePair<string, object?>> ?? []);
    }
}
