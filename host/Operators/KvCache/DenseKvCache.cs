using Sieve.Abstractions;

namespace Sieve.Host.Operators.KvCache;

/// <summary>
/// <c>kv-cache/dense</c>, the reference: every key and value in float32. Each layer and part has two buffers of the
/// batch's maximum size, allocated once; a step reads the past from one and the model writes the present into the
/// other, and <see cref="IKvCacheBuffer.Advance"/> swaps them. The host copies nothing; the model's own graph
/// concatenates past and new tokens into the present (see docs/generation.md).
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
        private readonly float[][] _front;
        private readonly float[][] _back;
        private readonly int _rows;
        private readonly int _headSize;
        private int _stepCount = -1;

        public Buffer(int layers, int rows, int maxLength, int headSize)
        {
            _rows = rows;
            _headSize = headSize;
            MaxLength = maxLength;
            var size = checked(rows * maxLength * headSize);
            _front = new float[layers * 2][];
            _back = new float[layers * 2][];
            for (var i = 0; i < _front.Length; i++)
            {
                _front[i] = GC.AllocateUninitializedArray<float>(size, pinned: true);
                _back[i] = GC.AllocateUninitializedArray<float>(size, pinned: true);
            }
        }

        public int Length { get; private set; }

        public int MaxLength { get; }

        public Memory<float> Past(int layer, KvPart part) => _front[Slot(layer, part)].AsMemory(0, _rows * Length * _headSize);

        public Memory<float> Present(int layer, KvPart part, int count)
        {
            Check(count);
            _stepCount = count;
            return _back[Slot(layer, part)].AsMemory(0, _rows * (Length + count) * _headSize);
        }

        public void Advance(int count)
        {
            Check(count);
            if (_stepCount != count)
            {
                throw new InvalidOperationException($"Advance({count}) after a step of {_stepCount} tokens.");
            }
            for (var i = 0; i < _front.Length; i++)
            {
                (_front[i], _back[i]) = (_back[i], _front[i]);
            }
            Length += count;
            _stepCount = -1;
        }

        private void Check(int count)
        {
            if (count < 1 || Length + count > MaxLength)
            {
                throw new InvalidOperationException($"A step of {count} tokens after {Length} exceeds the cache's {MaxLength}.");
            }
        }

        private static int Slot(int layer, KvPart part) => layer * 2 + (int)part;

        public void Dispose()
        {
        }
    }
}
