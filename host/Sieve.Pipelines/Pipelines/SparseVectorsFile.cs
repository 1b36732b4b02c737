using System.Text.Json;
using Sieve.Abstractions;
using Sieve.Host.Jobs;

namespace Sieve.Host.Pipelines;

/// <summary>The <c>index</c> job's output: <c>{"id", "terms": [...], "weights": [...]}</c> a line, terms ascending.</summary>
internal static class SparseVectorsFile
{
    public static void Write(Utf8JsonWriter writer, SparseVector vector)
    {
        writer.WriteStartArray("terms");
        foreach (var term in vector.Terms)
        {
            writer.WriteNumberValue(term);
        }
        writer.WriteEndArray();
        writer.WriteStartArray("weights");
        foreach (var weight in vector.Weights)
        {
            writer.WriteNumberValue(weight);
        }
        writer.WriteEndArray();
    }

    /// <summary>Reads every vector, in file order.</summary>
    /// <exception cref="SieveException">A line is malformed; the message names the file and line.</exception>
    public static IEnumerable<(string Id, SparseVector Vector)> Read(string path)
    {
        foreach (var line in JsonlInput.Read(path))
        {
            if (line.Record is not { } record)
            {
                throw new SieveException($"{path}, line {line.Line}: {line.Problem}");
            }
            SparseVector vector;
            try
            {
                var terms = record.Body.GetProperty("terms").EnumerateArray().Select(t => t.GetInt32()).ToArray();
                var weights = record.Body.GetProperty("weights").EnumerateArray().Select(w => w.GetSingle()).ToArray();
                vector = new SparseVector(terms, weights);
            }
            catch (Exception error) when (error is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
            {
                throw new SieveException($"{path}, {record.Where}: not a sparse vector ({error.Message}); expected \"terms\" ascending and \"weights\" of the same length.", error);
            }
            yield return (record.Id, vector);
        }
    }
}
