using Microsoft.ML.OnnxRuntime;

namespace Sieve.Host.Onnx;

/// <summary>The padded input tensors of one batch; the mask stays readable for pooling.</summary>
internal sealed class BatchInputs(IReadOnlyList<OrtValue> values, long[] mask, int rows, int length) : IDisposable
{
    public IReadOnlyList<OrtValue> Values { get; } = values;

    public long[] Mask { get; } = mask;

    public int Rows { get; } = rows;

    public int Length { get; } = length;

    public void Dispose()
    {
        foreach (var value in Values)
        {
            value.Dispose();
        }
    }
}
