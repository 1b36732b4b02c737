using Sieve.Host.Jobs;

namespace Sieve.Host.Pipelines;

/// <summary>A corpus as <c>{"id", "text"}</c> JSONL.</summary>
internal static class DocumentsFile
{
    /// <summary>Every document in file order.</summary>
    /// <exception cref="SieveException">The file is missing, a line is malformed, lacks text, or repeats an id; the message names the file and line.</exception>
    public static List<(string Id, string Text)> Read(string path, string setting)
    {
        if (!File.Exists(path))
        {
            throw new SieveException($"Documents file not found: {path} ({setting}).");
        }
        var documents = new List<(string, string)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in JsonlInput.Read(path))
        {
            if (line.Record is not { } record)
            {
                throw new SieveException($"{path} ({setting}), line {line.Line}: {line.Problem}");
            }
            if (!seen.Add(record.Id))
            {
                throw new SieveException($"{path} ({setting}), {record.Where}: duplicate document id; every document needs its own.");
            }
            string text;
            try
            {
                text = record.RequireString("text");
            }
            catch (RecordException bad)
            {
                throw new SieveException($"{path} ({setting}), {record.Where}: {bad.Message}", bad);
            }
            documents.Add((record.Id, text));
        }
        return documents;
    }
}
