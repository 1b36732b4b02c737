namespace Sieve.Host.Generation;

/// <summary>Tokens and time of prefill and decode, for the progress display and benchmarks. Not thread-safe.</summary>
internal sealed class GenerationMeter
{
    public long PrefillTokens { get; private set; }

    public TimeSpan PrefillTime { get; private set; }

    public long DecodeTokens { get; private set; }

    public TimeSpan DecodeTime { get; private set; }

    public double PrefillTokensPerSecond => PrefillTokens / Math.Max(PrefillTime.TotalSeconds, 1e-9);

    public double DecodeTokensPerSecond => DecodeTokens / Math.Max(DecodeTime.TotalSeconds, 1e-9);

    public void AddPrefill(long tokens, TimeSpan time)
    {
        PrefillTokens += tokens;
        PrefillTime += time;
    }

    public void AddDecode(long tokens, TimeSpan time)
    {
        DecodeTokens += tokens;
        DecodeTime += time;
    }
}
