using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sieve.Tools.Collection;

internal static partial class NaveWebCollection
{
    /// <summary>Keeps curly quotes and accents readable in the files (JSON stays valid; only the escaping differs).</summary>
    private static readonly JsonWriterOptions LineOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static void WriteFiles(string folder, List<RetrievalDocument> documents, List<RetrievalQuery> queries,
        List<(string Query, string Document)> qrels, CollectionSummary summary)
    {
        WriteJsonLines(Path.Combine(folder, RetrievalCollection.CorpusFile), documents, (writer, document) =>
        {
            writer.WriteString("id", document.Id);
            writer.WriteString("text", document.Text);
        });
        WriteJsonLines(Path.Combine(folder, RetrievalCollection.QueriesFile), queries, (writer, query) =>
        {
            writer.WriteString("id", query.Id);
            writer.WriteString("text", query.Text);
            if (query.Key is not null)
            {
                writer.WriteString("key", query.Key);
            }
        });
        using (var qrelsFile = CreateFile(Path.Combine(folder, RetrievalCollection.QrelsFile)))
        using (var text = new StreamWriter(qrelsFile) { NewLine = "\n" })
        {
            foreach (var (query, document) in qrels)
            {
                text.Write(query);
                text.Write('\t');
                text.Write(document);
                text.WriteLine("\t1");
            }
            text.Flush();
            qrelsFile.Flush(flushToDisk: true);
        }
        using var summaryFile = CreateFile(Path.Combine(folder, CollectionDirectory.SummaryFile));
        using (var writer = new Utf8JsonWriter(summaryFile, LineOptions with { Indented = true }))
        {
            WriteSummary(writer, summary);
        }
        summaryFile.Flush(flushToDisk: true);
    }

    private static void WriteJsonLines<T>(string path, List<T> records, Action<Utf8JsonWriter, T> write)
    {
        using var file = CreateFile(path);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using var writer = new Utf8JsonWriter(buffer, LineOptions);
        foreach (var record in records)
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            writer.WriteStartObject();
            write(writer, record);
            writer.WriteEndObject();
            writer.Flush();
            file.Write(buffer.WrittenSpan);
            file.WriteByte((byte)'\n');
        }
        file.Flush(flushToDisk: true);
    }

    private static void WriteSummary(Utf8JsonWriter writer, CollectionSummary summary)
    {
        writer.WriteStartObject();
        writer.WriteString("format", CollectionSummary.FormatName);
        writer.WriteString("corpus", summary.Corpus);
        writer.WriteNumber("documents", summary.Documents);
        writer.WriteNumber("emptyVerseSlots", summary.EmptyVerseSlots);
        writer.WriteNumber("queries", summary.Queries);
        writer.WriteNumber("qrels", summary.Qrels);
        writer.WriteNumber("topicEntries", summary.TopicEntries);
        writer.WriteNumber("topicsWithoutReferences", summary.TopicsWithoutReferences);
        writer.WriteNumber("duplicateTopicsMerged", summary.DuplicateTopicsMerged);
        writer.WriteNumber("topicsWithoutResolvedReferences", summary.TopicsWithoutResolvedReferences);
        writer.WriteNumber("references", summary.References);
        writer.WriteNumber("referencesResolved", summary.ReferencesResolved);
        writer.WriteStartObject("unresolved");
        foreach (var (outcome, unresolved) in summary.Unresolved)
        {
            writer.WriteStartObject(outcome);
            writer.WriteNumber("count", unresolved.Count);
            writer.WriteStartArray("examples");
            foreach (var example in unresolved.Examples)
            {
                writer.WriteStringValue(example);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteNumber("referencedVersesWithoutText", summary.ReferencedVersesWithoutText);
        writer.WriteNumber("repeatedPairs", summary.RepeatedPairs);
        writer.WriteNumber("unmarkedReferences", summary.UnmarkedReferences);
        writer.WriteStartObject("sources");
        foreach (var (name, value) in summary.Sources)
        {
            writer.WriteString(name, value);
        }
        writer.WriteEndObject();
        writer.WriteNumber("buildSeconds", summary.BuildSeconds);
        writer.WriteEndObject();
    }

    private static FileStream CreateFile(string path) =>
        new(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
}
