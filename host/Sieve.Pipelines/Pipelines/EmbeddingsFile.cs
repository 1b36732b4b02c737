using System.Text.Json;

namespace Sieve.Host.Pipelines;

/// <summary>Reads an <c>embed</c> job's output (<c>{"id", "embedding": […]}</c> a line) into an id list and a row-major matrix.</summary>
internal static class EmbeddingsFile
{
    /// <exception cref="SieveException">The file is missing, a line is not an embedding record, or sizes differ.</exception>
    public static (List<string> Ids, float[] Matrix, int Dimensions) Read(string path, string setting)
    {
        if (!File.Exists(path))
        {
            throw new SieveException($"Embeddings file not found: {path} ({setting}). Run the embed job that writes it first.");
        }
        var ids = new List<string>();
        var values = new List<float>();
        var dimensions = -1;
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                var id = root.GetProperty("id");
                var embedding = root.GetProperty("embedding");
                var length = embedding.GetArrayLength();
                if (dimensions >= 0 && length != dimensions)
                {
                    throw new SieveException($"{path}, line {lineNumber} ({setting}): embedding has {length} values, earlier lines {dimensions}.");
                }
                dimensions = length;
                ids.Add(id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText());
                foreach (var value in embedding.EnumerateArray())
                {
                    values.Add(value.GetSingle());
                }
            }
            catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new SieveException($"{path}, line {lineNumber} ({setting}) is not an embedding record {{\"id\", \"embedding\": [...]}}: {error.Message}", error);
            }
        }
        if (ids.Count == 0)
        {
            throw new SieveException($"Embeddings file {path} ({setting}) is empty.");
        }
        return (ids, values.ToArray(), dimensions);
    }
}
