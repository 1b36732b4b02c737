using System.Text.Json;

namespace Sieve.Host.Jobs;

/// <summary>
/// A job's JSONL output, crash-safe and resumable. Lines go to <c>&lt;output&gt;.partial</c>, flushed after every batch;
/// <see cref="Complete"/> syncs it to disk and renames it to the output. On open, the ids already written (in a
/// partial file left by a killed run, or in a finished output) are read back so the job skips them; a line torn by
/// the kill is cut off. Not thread-safe.
/// </summary>
internal sealed class JobOutput : IDisposable
{
    private readonly FileStream _stream;
    private bool _completed;

    private JobOutput(string path, string partialPath, FileStream stream, HashSet<string> done, long cutBytes)
    {
        Path = path;
        PartialPath = partialPath;
        _stream = stream;
        Done = done;
        CutBytes = cutBytes;
    }

    public string Path { get; }

    /// <summary>Where lines are written until the job completes: <c>&lt;output&gt;.partial</c>.</summary>
    public string PartialPath { get; }

    /// <summary>Bytes cut from the end of the partial file on open: a line torn by a killed run (0: none).</summary>
    public long CutBytes { get; }

    /// <summary>Ids already in the output when the job started.</summary>
    public IReadOnlySet<string> Done { get; }

    /// <param name="path">The final output path.</param>
    /// <param name="setting">The configuration key that named it, for messages.</param>
    /// <exception cref="SieveException">The folder cannot be created or the file cannot be written.</exception>
    public static JobOutput Open(string path, string setting)
    {
        var partial = path + ".partial";
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            if (!File.Exists(partial) && File.Exists(path))
            {
                File.Move(path, partial);
            }
            var stream = new FileStream(partial, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            var length = stream.Length;
            var done = ReadDoneIds(stream);
            stream.Seek(0, SeekOrigin.End);
            return new JobOutput(path, partial, stream, done, length - stream.Length);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new SieveException($"Cannot write the output {path} ({setting}): {error.Message}", error);
        }
    }

    /// <summary>Appends one record: <c>{"id": …, …}</c> and a newline.</summary>
    public void Write(string idJson, Action<Utf8JsonWriter> writeFields)
    {
        using (var writer = new Utf8JsonWriter(_stream))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("id");
            writer.WriteRawValue(idJson, skipInputValidation: true);
            writeFields(writer);
            writer.WriteEndObject();
        }
        _stream.WriteByte((byte)'\n');
    }

    /// <summary>Hands what was written to the operating system, so a killed process loses nothing written so far.</summary>
    public void Flush() => _stream.Flush(flushToDisk: false);

    /// <summary>Syncs the partial file to disk and renames it to the output.</summary>
    public void Complete()
    {
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        File.Move(PartialPath, Path, overwrite: true);
        _completed = true;
    }

    public void Dispose()
    {
        if (!_completed)
        {
            _stream.Flush(flushToDisk: true);
            _stream.Dispose();
        }
    }

    private static HashSet<string> ReadDoneIds(FileStream stream)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        long validEnd = 0, position = 0;
        var line = new MemoryStream();
        int next;
        stream.Seek(0, SeekOrigin.Begin);
        var buffered = new BufferedStream(stream, 1 << 16);
        while ((next = buffered.ReadByte()) >= 0)
        {
            position++;
            if (next != '\n')
            {
                line.WriteByte((byte)next);
                continue;
            }
            if (TryReadId(line.GetBuffer().AsSpan(0, (int)line.Length), out var id))
            {
                done.Add(id);
                validEnd = position;
            }
            else
            {
                break;
            }
            line.SetLength(0);
        }
        if (validEnd < stream.Length)
        {
            stream.SetLength(validEnd);
        }
        return done;
    }

    private static bool TryReadId(ReadOnlySpan<byte> line, out string id)
    {
        id = "";
        try
        {
            var reader = new Utf8JsonReader(line);
            using var document = JsonDocument.ParseValue(ref reader);
            if (!document.RootElement.TryGetProperty("id", out var value))
            {
                return false;
            }
            id = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
