using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using Sieve.Abstractions;

namespace Sieve.Testing.Gpu;

/// <summary>
/// An <see cref="IGpuDevice"/> over ILGPU's CPU accelerator, for tests: the same launcher code that drives the GPU runs
/// its kernels here, emulated on threads (warps of 16, up to <see cref="MaxGroupSize"/> threads per group). "Device"
/// addresses are host pointers; launches run synchronously. Launches are serialized (one at a time).
/// </summary>
public sealed class CpuAcceleratorDevice : IGpuDevice, IDisposable
{
    /// <summary>The most threads one group may have.</summary>
    public const int MaxGroupSize = 256;

    private readonly Context _context;
    private readonly CPUAccelerator _accelerator;
    private readonly ConcurrentDictionary<MethodInfo, CpuKernel> _kernels = new();
    private readonly Lock _launch = new();

    public CpuAcceleratorDevice()
    {
        // Warps of 16 emulate faster than 32 (every shuffle is a barrier of the warp's threads); the kernels reduce within
        // half-warps of 16 lanes, so they behave the same as with the GPU's 32.
        var device = new CPUDevice(16, MaxGroupSize / 16, 1);
        // Assertions: views are bounds-checked, so a kernel that reads or writes past a view fails the test.
        _context = Context.Create(builder => builder.CPU(device).Assertions());
        _accelerator = device.CreateCPUAccelerator(_context, CPUAcceleratorMode.Parallel);
    }

    public string Name => "ILGPU CPU accelerator";

    public int ComputeCapability => 0;

    public int MultiprocessorCount => 1;

    /// <summary>Launches so far (all kernels).</summary>
    public int Launches { get; private set; }

    /// <summary>Bytes allocated so far and not yet freed is not tracked; this counts <see cref="Allocate"/> calls.</summary>
    public int Allocations { get; private set; }

    public IGpuKernel Kernel(MethodInfo method)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (!method.IsStatic || method.ReturnType != typeof(void))
        {
            throw new ArgumentException($"{method.Name} is not a static void method.", nameof(method));
        }
        return _kernels.GetOrAdd(method, m =>
        {
            var watch = Stopwatch.StartNew();
            var kernel = _accelerator.LoadKernel(m);
            return new CpuKernel(this, m, kernel, watch.Elapsed);
        });
    }

    public IGpuBuffer Allocate(long bytes)
    {
        Allocations++;
        return new HostBuffer(bytes);
    }

    /// <summary>Allocates a buffer holding <paramref name="data"/>.</summary>
    public IGpuBuffer Upload<T>(ReadOnlySpan<T> data) where T : unmanaged
    {
        var buffer = Allocate((long)data.Length * Marshal.SizeOf<T>());
        MemoryMarshal.AsBytes(data).CopyTo(Span(buffer.Address, buffer.Bytes));
        return buffer;
    }

    public void Upload<T>(ReadOnlySpan<T> source, DeviceAddress target) where T : unmanaged =>
        MemoryMarshal.AsBytes(source).CopyTo(Span(target, (long)source.Length * Marshal.SizeOf<T>()));

    public void Download<T>(DeviceAddress source, Span<T> target) where T : unmanaged =>
        Span(source, (long)target.Length * Marshal.SizeOf<T>()).CopyTo(MemoryMarshal.AsBytes(target));

    /// <summary>Copies <paramref name="count"/> elements from <paramref name="address"/>.</summary>
    public static T[] Download<T>(DeviceAddress address, int count) where T : unmanaged
    {
        var result = new T[count];
        Span(address, (long)count * Marshal.SizeOf<T>()).CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
        return result;
    }

    /// <summary>Copies a whole buffer.</summary>
    public static T[] Download<T>(IGpuBuffer buffer) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(buffer);
        return Download<T>(buffer.Address, (int)(buffer.Bytes / Marshal.SizeOf<T>()));
    }

    public void Dispose()
    {
        _accelerator.Dispose();
        _context.Dispose();
    }

    private static unsafe Span<byte> Span(DeviceAddress address, long bytes) =>
        new((void*)address.Value, checked((int)bytes));

    private sealed class CpuKernel(CpuAcceleratorDevice device, MethodInfo method, Kernel kernel, TimeSpan loadCost) : IGpuKernel
    {
        private readonly ParameterInfo[] _parameters = method.GetParameters();

        public string Name => method.Name;

        public TimeSpan LoadCost => loadCost;

        public void Launch(GpuLaunch launch, KernelArguments arguments)
        {
            ArgumentNullException.ThrowIfNull(arguments);
            if (launch.GroupSize < 1 || launch.GroupSize > MaxGroupSize || launch.GridX < 1 || launch.GridY < 1 || launch.GridZ < 1)
            {
                throw new ArgumentException($"{Name}: launch {launch} is out of range.", nameof(launch));
            }
            var items = arguments.Items;
            if (items.Count != _parameters.Length)
            {
                throw new ArgumentException($"{Name} takes {_parameters.Length} arguments, got {items.Count}.", nameof(arguments));
            }
            var values = new object[items.Count];
            for (var i = 0; i < items.Count; i++)
            {
                values[i] = Convert(_parameters[i], items[i], device._accelerator);
            }
            var shared = launch.SharedMemoryBytes > 0 ? SharedMemoryConfig.RequestDynamic<byte>(launch.SharedMemoryBytes) : SharedMemoryConfig.Empty;
            var config = new KernelConfig(new Index3D(launch.GridX, launch.GridY, launch.GridZ), new Index3D(launch.GroupSize, 1, 1), shared);
            lock (device._launch)
            {
                device.Launches++;
                kernel.Launch(device._accelerator.DefaultStream, config, values);
                device._accelerator.Synchronize();
            }
        }

        private object Convert(ParameterInfo parameter, KernelArgument argument, Accelerator accelerator)
        {
            var type = parameter.ParameterType;
            if (argument.Kind == KernelArgumentKind.View)
            {
                if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(ArrayView<>) || type.GetGenericArguments()[0] != argument.ElementType)
                {
                    throw new ArgumentException($"{Name}: parameter {parameter.Name} is {type.Name}, not a view of {argument.ElementType.Name}.");
                }
                var view = typeof(CpuKernel).GetMethod(nameof(View), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(argument.ElementType);
                return view.Invoke(null, [accelerator, argument.Address, argument.Length])!;
            }
            if (type != argument.ElementType)
            {
                throw new ArgumentException($"{Name}: parameter {parameter.Name} is {type.Name}, got a value of {argument.ElementType.Name}.");
            }
            var read = typeof(CpuKernel).GetMethod(nameof(Read), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type);
            return read.Invoke(null, [argument.Bytes])!;
        }

        private static ArrayView<T> View<T>(Accelerator accelerator, DeviceAddress address, long length) where T : unmanaged =>
            length == 0
                ? ArrayView<T>.Empty
                : new ArrayView<T>(new HostMemoryBuffer(accelerator, (nint)address.Value, length, Marshal.SizeOf<T>()), 0, length);

        private static T Read<T>(ReadOnlyMemory<byte> bytes) where T : unmanaged => MemoryMarshal.Read<T>(bytes.Span);
    }
}
