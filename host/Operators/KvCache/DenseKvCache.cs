using Sieve.Abstractions;

namespace Sieve.Host.Operators.KvCache;

/// <summary>
/// <c>kv-cache/dense</c>, the reference: every key and value in float32, one zeroed buffer of the batch's maximum size
/// per layer and part, allocated once. The model reads and writes it in place (its <c>past_key_values</c> input and
/// <c>present</c> output are bound to the same memory; see docs/generation.md): a step copies nothing.
/// </summary>
internal sealed class DenseKvCache : IKvCache
{
    public const string Name = "dense";

    public IKvCacheBuffer Allocate(int layers, int batch, int keyValueHeads, int maxLength, int headSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(keyValueHeads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(headSize, 1);
        return new Buffer(layers, batch * keyValueHeads, maxLength, headSize);
    }

    private sealed class Buffer : IKvCacheBuffer
    {
        private readonly float[][] _layers;

        public Buffer(int layers, int rows, int maxLength, int headSize)
        {
            MaxLength = maxLength;
            var size = checked(rows * maxLength * headSize);
            _layers = new float[layers * 2][];
            for (var i = 0; i < _layers.Length; i++)
            {
                // Zeroed: positions not yet written are masked, but must not hold NaN (0 · NaN is NaN).
                _layers[i] = GC.AllocateArray<float>(size, pinned: true);
            }
        }

        public int Length { get; private set; }

        public int MaxLength { get; }

        public Memory<float> Layer(int layer, KvPart part) => _layers[layer * 2 + (int)part];

        public void Advance(int count)
        {
            if (count < 1 || Length + count > MaxLength)
            {
                throw new InvalidOperationException($"A step of {count} tokens after {Length} exceeds the cache's {MaxLength}.");
            }
            Length += count;
        }

        public void Dispose()
        {
        }
    }
}
