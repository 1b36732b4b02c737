using Sieve.Abstractions;

namespace Sieve.Host.Onnx.Bridge;

/// <summary>A custom-op node's attributes, read through ORT's kernel info while its kernel is created.</summary>
internal sealed class OrtNodeAttributes(OrtKernelInfo info) : INodeAttributes
{
    public string NodeName { get; } = info.SafeNodeName();

    public long GetInt(string name, long fallback) => info.GetInt(name, fallback);

    public float GetFloat(string name, float fallback) => info.GetFloat(name, fallback);

    public string GetString(string name, string fallback) => info.GetString(name, fallback);
}
