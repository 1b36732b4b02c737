using System.Text.Json;

namespace Sieve.Host.Configuration;

/// <summary>Describes why a JSON configuration file did not load: the file, and the line and column of the fault.</summary>
internal static class JsonConfigurationError
{
    public static string Describe(string path, Exception loadError)
    {
        ArgumentNullException.ThrowIfNull(loadError);
        for (Exception? cause = loadError; cause is not null; cause = cause.InnerException)
        {
            if (cause is JsonException { LineNumber: { } line, BytePositionInLine: { } column } syntax)
            {
                // System.Text.Json counts from 0 and appends its own position to the message; editors count from 1.
                var message = syntax.Message;
                var position = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
                return $"Configuration file {path} is not valid JSON: line {line + 1}, column {column + 1}: {(position > 0 ? message[..position] : message)}";
            }
        }
        var innermost = loadError;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }
        return $"Configuration file {path} is not valid JSON: {innermost.Message}";
    }
}
