using Sieve.Abstractions;
using Sieve.Kernels;

namespace Sieve.Host.Operators.Attention;

/// <summary>Checks and sizes shared by the CPU attention implementations.</summary>
internal static class AttentionShapes
{
    public static string? CheckCommon(AttentionShape shape)
    {
        if (shape.QueryHeads > 0 && shape.KeyValueHeads > 0 && shape.QueryHeads % shape.KeyValueHeads != 0)
        {
            return $"{shape.QueryHeads} query heads are not a multiple of {shape.KeyValueHeads} key/value heads";
        }
        return shape.HeadSize > 1024 ? $"head size {shape.HeadSize} is above the CPU kernels' limit of 1024" : null;
    }

    public static AttentionDims Dims(TensorView<float> query, TensorView<float> key) => new(
        (int)query.Shape[0], (int)query.Shape[1], (int)key.Shape[1], (int)query.Shape[2], (int)key.Shape[2], (int)query.Shape[3]);
}
