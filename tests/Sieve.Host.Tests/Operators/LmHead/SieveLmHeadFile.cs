using Sieve.Host.Tests.Testing;
using Sieve.Tools.ClusterHead;

namespace Sieve.Host.Tests.Operators.LmHead;

/// <summary>A head file for the committed LM (64 balanced clusters of its 8,192 tokens), written once per test class by the cluster-head tool's code.</summary>
public sealed class SieveLmHeadFile : IDisposable
{
    public const int Clusters = 64;

    private readonly TempFolder _folder = new();

    public SieveLmHeadFile()
    {
        Path = _folder.File("sieve-lm-64.bin");
        HeadClustering.Run(new HeadClusteringRequest(ModelPath, Path, Clusters, 15, 1, null), TextWriter.Null);
    }

    public static string ModelPath => System.IO.Path.Combine(TestPaths.LmFolder, "model.onnx");

    public string Path { get; }

    public void Dispose() => _folder.Dispose();
}
