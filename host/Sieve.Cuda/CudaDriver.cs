using System.Runtime.InteropServices;

namespace Sieve.Cuda;

/// <summary>
/// The CUDA driver API (<c>libcuda.so.1</c>, shipped with the NVIDIA driver): the one place in the host that calls
/// CUDA. Every call returns a <c>CUresult</c> that <see cref="Check"/> turns into a <see cref="CudaException"/>.
/// Objects the host creates come back as <c>Safe*Handle</c>s that release them (docs/native-resources.md); raw
/// <c>nint</c>s remain for what the host does not own: ORT's streams, functions (owned by their module), the
/// default memory pool, and the release calls themselves. Nothing here leaves the <c>Device</c> folder.
/// </summary>
internal static unsafe partial class CudaDriver
{
    private const string Library = "libcuda.so.1";

    public const int AttributeMultiprocessorCount = 16;
    public const int AttributeComputeCapabilityMajor = 75;
    public const int AttributeComputeCapabilityMinor = 76;
    public const int FunctionAttributeMaxDynamicSharedSizeBytes = 8;
    public const int StreamNonBlocking = 1;
    public const int JitErrorLogBuffer = 5, JitErrorLogBufferSizeBytes = 6;
    public const int MemPoolAttributeReleaseThreshold = 4;
    public const int MemPoolAttributeUsedMemCurrent = 7;

    /// <summary>Whether the driver library can be loaded at all (false on machines without an NVIDIA driver).</summary>
    public static bool IsInstalled(out string? reason)
    {
        if (NativeLibrary.TryLoad(Library, out var handle))
        {
            NativeLibrary.Free(handle);
            reason = null;
            return true;
        }
        reason = $"{Library} (the NVIDIA driver) is not installed";
        return false;
    }

    public static void Check(int result, string call)
    {
        if (result != 0)
        {
            throw new CudaException(result, call, Describe(result));
        }
    }

    public static string Describe(int result)
    {
        if (cuGetErrorName(result, out var name) != 0)
        {
            name = 0;
        }
        if (cuGetErrorString(result, out var text) != 0)
        {
            text = 0;
        }
        return $"{(name == 0 ? "CUDA_ERROR_" + result : Marshal.PtrToStringUTF8(name))}: {(text == 0 ? "unknown error" : Marshal.PtrToStringUTF8(text))}";
    }

    /// <summary>
    /// Runs a release call with <paramref name="context"/> current and restores the thread's own current context: a
    /// finalizer thread has none, and the driver wants one for some releases (<c>cuModuleUnload</c>, <c>cuMemFree</c>).
    /// </summary>
    /// <returns>The release's <c>CUresult</c>, or the push's when the context could not be made current.</returns>
    public static int InContext<TState>(nint context, TState state, Func<TState, int> release)
    {
        if (context == 0)
        {
            return release(state);
        }
        var pushed = cuCtxPushCurrent(context);
        if (pushed != 0)
        {
            return pushed;
        }
        try
        {
            return release(state);
        }
        finally
        {
            _ = cuCtxPopCurrent(out _);
        }
    }

    [LibraryImport(Library)] public static partial int cuInit(uint flags);
    [LibraryImport(Library)] public static partial int cuDriverGetVersion(out int version);
    [LibraryImport(Library)] public static partial int cuDeviceGetCount(out int count);
    [LibraryImport(Library)] public static partial int cuDeviceGet(out int device, int ordinal);
    [LibraryImport(Library)] public static partial int cuDeviceGetName(byte* name, int length, int device);
    [LibraryImport(Library)] public static partial int cuDeviceGetAttribute(out int value, int attribute, int device);
    [LibraryImport(Library)] public static partial int cuDevicePrimaryCtxRetain(out SafeCudaPrimaryContextHandle context, int device);
    [LibraryImport(Library)] public static partial int cuDevicePrimaryCtxGetState(int device, out uint flags, out int active);
    [LibraryImport(Library, EntryPoint = "cuDevicePrimaryCtxRelease_v2")] public static partial int cuDevicePrimaryCtxRelease(int device);
    [LibraryImport(Library)] public static partial int cuCtxSetCurrent(SafeCudaPrimaryContextHandle context);
    [LibraryImport(Library)] public static partial int cuCtxGetCurrent(out nint context);
    [LibraryImport(Library, EntryPoint = "cuCtxPushCurrent_v2")] public static partial int cuCtxPushCurrent(nint context);
    [LibraryImport(Library, EntryPoint = "cuCtxPopCurrent_v2")] public static partial int cuCtxPopCurrent(out nint context);
    [LibraryImport(Library)] public static partial int cuCtxSynchronize();
    [LibraryImport(Library)] public static partial int cuStreamCreate(out SafeCudaStreamHandle stream, uint flags);
    [LibraryImport(Library, EntryPoint = "cuStreamDestroy_v2")] public static partial int cuStreamDestroy(nint stream);
    [LibraryImport(Library)] public static partial int cuStreamSynchronize(nint stream);
    [LibraryImport(Library)] public static partial int cuModuleLoadDataEx(out SafeCudaModuleHandle module, byte* image, uint optionCount, int* options, nint* values);
    [LibraryImport(Library)] public static partial int cuModuleUnload(nint module);
    [LibraryImport(Library)] public static partial int cuModuleGetFunction(out nint function, SafeCudaModuleHandle module, byte* name);
    [LibraryImport(Library)] public static partial int cuFuncSetAttribute(nint function, int attribute, int value);
    [LibraryImport(Library)] public static partial int cuFuncGetParamInfo(nint function, nuint index, out nuint offset, out nuint size);
    [LibraryImport(Library)] public static partial int cuLaunchKernel(nint function, uint gridX, uint gridY, uint gridZ, uint blockX, uint blockY, uint blockZ,
        uint sharedBytes, nint stream, nint* parameters, nint* extra);
    [LibraryImport(Library)] public static partial int cuDeviceGetDefaultMemPool(out nint pool, int device);
    [LibraryImport(Library)] public static partial int cuMemPoolSetAttribute(nint pool, int attribute, void* value);
    [LibraryImport(Library)] public static partial int cuMemPoolGetAttribute(nint pool, int attribute, void* value);
    // CUdeviceptr is 64-bit; a SafeHandle carries it as a pointer-sized value, which is 64-bit wherever CUDA runs.
    [LibraryImport(Library)] public static partial int cuMemAllocAsync(out SafeCudaDeviceMemoryHandle pointer, nuint bytes, nint stream);
    [LibraryImport(Library)] public static partial int cuMemFreeAsync(ulong pointer, nint stream);
    [LibraryImport(Library, EntryPoint = "cuMemFree_v2")] public static partial int cuMemFree(ulong pointer);
    [LibraryImport(Library, EntryPoint = "cuMemcpyHtoDAsync_v2")] public static partial int cuMemcpyHtoDAsync(ulong target, void* source, nuint bytes, nint stream);
    [LibraryImport(Library, EntryPoint = "cuMemcpyDtoHAsync_v2")] public static partial int cuMemcpyDtoHAsync(void* target, ulong source, nuint bytes, nint stream);
    [LibraryImport(Library)] public static partial int cuEventCreate(out SafeCudaEventHandle @event, uint flags);
    [LibraryImport(Library)] public static partial int cuEventRecord(SafeCudaEventHandle @event, nint stream);
    [LibraryImport(Library)] public static partial int cuEventSynchronize(SafeCudaEventHandle @event);
    [LibraryImport(Library)] public static partial int cuEventElapsedTime(out float milliseconds, SafeCudaEventHandle start, SafeCudaEventHandle end);
    [LibraryImport(Library, EntryPoint = "cuEventDestroy_v2")] public static partial int cuEventDestroy(nint @event);
    [LibraryImport(Library)] private static partial int cuGetErrorName(int result, out nint name);
    [LibraryImport(Library)] private static partial int cuGetErrorString(int result, out nint text);
}
