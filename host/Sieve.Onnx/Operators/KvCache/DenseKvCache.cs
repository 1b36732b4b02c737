using Sieve.Abstractions;

namespace Sieve.Host.Operators.KvCache;

/// <summary>
/// <c>kv-cache/dense</c>, the reference: every key and value in float32, one zeroed buffer of the batch's maximum size
/// per layer and part, allocated once, in host memory or (on CUDA) in device memory. The model reads and writes it in
/// place (its <c>past_key_values</c> input and <c>present</c> output are bound to the same memory; see
/// docs/generation.md): a step copies nothing.
/// </summary>
/// <param name="gpu">The host's GPU service, for caches on CUDA; null on the CPU.</param>
internal sealed class DenseKvCache(IGpuDevice? gpu = null) : IKvCache
{
    public const string Name = "dense";

    public IKvCacheBuffer Allocate(KvCacheShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var (layers, batch, keyValueHeads, maxLength, headSize, device) = shape;
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(keyValueHeads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(headSize, 1);
        var layer = new TensorShape(batch, keyValueHeads, maxLength, headSize);
        return device switch
        {
            DeviceKind.Cpu => new HostBuffer(layers, layer),
            DeviceKind.Cuda => new DeviceBuffer(gpu ?? throw new NotSupportedException("kv-cache/dense: a cache on CUDA needs the host's GPU service."), layers, layer),
            _ => throw new NotSupportedException($"kv-cache/dense cannot keep a cache on {device}."),
        };
    }

    /// <summary>Length bookkeeping shared by both kinds of memory.</summary>
    private abstract class Buffer(TensorShape shape) : IKvCacheBuffer
    {
        protected TensorShape Shape { get; } = shape;

        public int Length { get; private set; }

        public int MaxLength => (int)Shape[2];

        public abstract DeviceKind Device { get; }

        public abstract TensorView<float> Layer(int layer, KvPart part);

        public void Advance(int count)
        {
            if (count < 1 || Length + count > MaxLength)
            {
                throw new InvalidOperationException($"A step of {count} tokens after {Length} exceeds the cache's {MaxLength}.");
            }
            Length += count;
        }

        public virtual void Dispose()
        {
        }

        protected static int Slot(int layer, KvPart part) => layer * 2 + (int)part;
    }

    private sealed class HostBuffer : Buffer
    {
        private readonly float[][] _layers;

        public HostBuffer(int layers, TensorShape shape) : base(shape)
        {
            _layers = new float[layers * 2][];
            for (var i = 0; i < _layers.Length; i++)
            {
                // Zeroed: positions not yet written are masked, but must not hold NaN (0 · NaN is NaN).
                _layers[i] = GC.AllocateArray<float>(checked((int)shape.ElementCount), pinned: true);
            }
        }

        public override DeviceKind Device => DeviceKind.Cpu;

        public override TensorView<float> Layer(int layer, KvPart part) => new(_layers[Slot(layer, part)].AsMemory(), Shape);
    }

    private sealed class DeviceBuffer : Buffer
    {
        private readonly IGpuBuffer[] _layers;

        public DeviceBuffer(IGpuDevice gpu, int layers, TensorShape shape) : base(shape)
        {
            _layers = new IGpuBuffer[layers * 2];
            var zeros = new float[shape.ElementCount];
            try
            {
                for (var i = 0; i < _layers.Length; i++)
                {
                    _layers[i] = gpu.Allocate(shape.ElementCount * sizeof(float));
                    gpu.Upload<float>(zeros, _layers[i].Address);
                }
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public override DeviceKind Device => DeviceKind.Cuda;

        public override TensorView<float> Layer(int layer, KvPart part) => new(_layers[Slot(layer, part)].Address, Shape, DeviceKind.Cuda);

        public override void Dispose()
        {
            foreach (var buffer in _layers)
            {
                buffer?.Dispose();
            }
            base.Dispose();
        }
    }
}
