using Sieve.Host.Jobs;
using Sieve.Host.Pipelines;

namespace Sieve.Host.Tests.Testing;

/// <summary>
/// A pipeline without a model: requires "text", writes its length back, and fails on purpose for texts containing
/// "fail" (in Process, like a kernel that throws) or "bad" (in Prepare, like a record it cannot take).
/// </summary>
internal sealed class FakePipeline : IJobPipeline
{
    public List<int> BatchSizes { get; } = [];

    public string OperatorSummary => "fake";

    public string? Epilogue => null;

    public PreparedRecord Prepare(InputRecord record)
    {
        var text = record.RequireString("text");
        if (text.Contains("bad", StringComparison.Ordinal))
        {
            throw new RecordException("the text is bad");
        }
        return new PreparedRecord(record, text, text.Length, text.Length > 100 ? "long text" : null);
    }

    public void Process(IReadOnlyList<PreparedRecord> batch, JobOutput output)
    {
        BatchSizes.Add(batch.Count);
        if (batch.Any(r => ((string)r.Work).Contains("fail", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException("kernel attention/fake failed");
        }
        foreach (var record in batch)
        {
            output.Write(record.Record.IdJson, w => w.WriteNumber("length", ((string)record.Work).Length));
        }
    }

    public void Dispose() { }
}
