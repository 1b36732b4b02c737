using Sieve.Host.Jobs;

namespace Sieve.Host.Tests.Testing;

internal sealed class NullProgress : IJobProgress
{
    public long Total { get; private set; }

    public long Done { get; private set; }

    public void Start(long total) => Total = total;

    public void Advance(long records) => Done += records;
}
