using Sieve.Abstractions;

namespace Sieve.Plugins.Quantization.Gpu;

/// <summary>
/// A <see cref="DenseSparseMatrix"/> in device memory, as the kernels read it: index words block-major
/// ([block][channel][bits], so that neighbouring threads, neighbouring channels, read neighbouring words), centroids and
/// sparse values widened to float32, CSR starts and inputs as they are. Owns its buffers; not thread-safe to dispose.
/// </summary>
internal sealed class DeviceDenseSparseMatrix : IDisposable
{
    private readonly IGpuBuffer[] _buffers;

    public DeviceDenseSparseMatrix(IGpuDevice device, DenseSparseMatrix matrix)
    {
        Matrix = matrix;
        var (k, n, bits) = (matrix.InputSize, matrix.OutputSize, matrix.Bits);
        var blocks = PackedIndices.Blocks(k);
        var words = matrix.WordsPerChannel;
        var blockMajor = new uint[matrix.Indices.LongLength];
        for (var channel = 0; channel < n; channel++)
        {
            for (var block = 0; block < blocks; block++)
            {
                for (var plane = 0; plane < bits; plane++)
                {
                    blockMajor[((long)block * n + channel) * bits + plane] = matrix.Indices[(long)channel * words + block * bits + plane];
                }
            }
        }
        var centroids = Array.ConvertAll(matrix.Centroids, c => (float)c);
        var values = Array.ConvertAll(matrix.SparseValues, v => (float)v);
        _buffers = new IGpuBuffer[5];
        try
        {
            _buffers[0] = Upload(device, blockMajor);
            _buffers[1] = Upload(device, centroids);
            _buffers[2] = Upload(device, matrix.SparseStarts);
            _buffers[3] = Upload(device, matrix.SparseInputs);
            _buffers[4] = Upload(device, values);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public DenseSparseMatrix Matrix { get; }

    public DeviceAddress Indices => _buffers[0].Address;

    public DeviceAddress Centroids => _buffers[1].Address;

    public DeviceAddress SparseStarts => _buffers[2].Address;

    public DeviceAddress SparseInputs => _buffers[3].Address;

    public DeviceAddress SparseValues => _buffers[4].Address;

    /// <summary>Bytes on the device.</summary>
    public long Bytes => _buffers.Sum(b => b?.Bytes ?? 0);

    public void Dispose()
    {
        foreach (var buffer in _buffers)
        {
            buffer?.Dispose();
        }
    }

    private static IGpuBuffer Upload<T>(IGpuDevice device, T[] data) where T : unmanaged
    {
        var buffer = device.Allocate(Math.Max(4, (long)data.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()));
        try
        {
            if (data.Length > 0)
            {
                device.Upload<T>(data, buffer.Address);
            }
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }
}
