using System.Text.Json;

namespace Sieve.Host.Configuration;

/// <summary>
/// The line of every configuration key in a JSON file (<c>Sieve:Jobs:0:BatchSize</c> → 12), so that an error about a
/// setting can point at the line to fix. Keys compare case-insensitively, as configuration keys do.
/// </summary>
internal static class JsonKeyLines
{
    /// <summary>Reads <paramref name="path"/>; a file that does not parse yields the keys before the fault.</summary>
    public static Dictionary<string, int> Read(string path)
    {
        var lines = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException)
        {
            return lines;
        }
        var newlines = new List<long>();
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                newlines.Add(i);
            }
        }
        int LineOf(long offset)
        {
            var index = newlines.BinarySearch(offset);
            return (index < 0 ? ~index : index) + 1;
        }

        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var segments = new List<string>();
        var containers = new Stack<Container>(); // the root has no segment: segments.Count == containers.Count - 1
        string? property = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = reader.GetString()!;
                        lines[string.Join(':', [.. segments, property])] = LineOf(reader.TokenStartIndex);
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (containers.Count > 0)
                        {
                            segments.Add(NextSegment(containers.Peek(), property, lines, segments, LineOf(reader.TokenStartIndex)));
                        }
                        containers.Push(new Container(reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        containers.Pop();
                        if (segments.Count > 0)
                        {
                            segments.RemoveAt(segments.Count - 1);
                        }
                        break;
                    default:
                        if (containers.Count > 0 && containers.Peek().IsArray)
                        {
                            NextSegment(containers.Peek(), property, lines, segments, LineOf(reader.TokenStartIndex));
                        }
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Syntax errors are reported, with their position, where the file is loaded.
        }
        return lines;
    }

    /// <summary>The key segment of a value inside <paramref name="container"/>: its index in an array, else its property.</summary>
    private static string NextSegment(Container container, string? property, Dictionary<string, int> lines, List<string> segments, int line)
    {
        if (!container.IsArray)
        {
            return property ?? "";
        }
        var index = (container.Count++).ToString(System.Globalization.CultureInfo.InvariantCulture);
        lines[string.Join(':', [.. segments, index])] = line;
        return index;
    }

    private sealed class Container(bool isArray)
    {
        public bool IsArray { get; } = isArray;

        public int Count { get; set; }
    }
}
