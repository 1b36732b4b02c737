using System.Runtime.InteropServices;

namespace Sieve.Host.Device.Cuda;

/// <summary>
/// The CUDA driver API (<c>libcuda.so.1</c>, shipped with the NVIDIA driver): the one place in the host that calls
/// CUDA. Every call returns a <c>CUresult</c> that <see cref="Check"/> turns into a <see cref="CudaException"/>.
/// Handles are raw pointers here and never leave the <c>Device</c> folder.
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
        nint name = 0, text = 0;
        _ = cuGetErrorName(result, &name);
        _ = cuGetErrorString(result, &text);
        return $"{(name == 0 ? "CUDA_ERROR_" + result : Marshal.PtrToStringUTF8(name))}: {(text == 0 ? "unknown error" : Marshal.PtrToStringUTF8(text))}";
    }

    [LibraryImport(Library)] public static partial int cuInit(uint flags);
    [LibraryImport(Library)] public static partial int cuDriverGetVersion(int* version);
    [LibraryImport(Library)] public static partial int cuDeviceGetCount(int* count);
    [LibraryImport(Library)] public static partial int cuDeviceGet(int* device, int ordinal);
    [LibraryImport(Library)] public static partial int cuDeviceGetName(byte* name, int length, int device);
    [LibraryImport(Library)] public static partial int cuDeviceGetAttribute(int* value, int attribute, int device);
    [LibraryImport(Library)] public static partial int cuDevicePrimaryCtxRetain(nint* context, int device);
    [LibraryImport(Library, EntryPoint = "cuDevicePrimaryCtxRelease_v2")] public static partial int cuDevicePrimaryCtxRelease(int device);
    [LibraryImport(Library)] public static partial int cuCtxSetCurrent(nint context);
    [LibraryImport(Library)] public static partial int cuCtxGetCurrent(nint* context);
    [LibraryImport(Library)] public static partial int cuStreamCreate(nint* stream, uint flags);
    [LibraryImport(Library, EntryPoint = "cuStreamDestroy_v2")] public static partial int cuStreamDestroy(nint stream);
    [LibraryImport(Library)] public static partial int cuStreamSynchronize(nint stream);
    [LibraryImport(Library)] public static partial int cuModuleLoadDataEx(nint* module, byte* image, uint optionCount, int* options, nint* values);
    [LibraryImport(Library)] public static partial int cuModuleUnload(nint module);
    [LibraryImport(Library)] public static partial int cuModuleGetFunction(nint* function, nint module, byte* name);
    [LibraryImport(Library)] public static partial int cuFuncSetAttribute(nint function, int attribute, int value);
    [LibraryImport(Library)] public static partial int cuFuncGetParamInfo(nint function, nuint index, nuint* offset, nuint* size);
    [LibraryImport(Library)] public static partial int cuLaunchKernel(nint function, uint gridX, uint gridY, uint gridZ, uint blockX, uint blockY, uint blockZ,
        uint sharedBytes, nint stream, nint* parameters, nint* extra);
    [LibraryImport(Library)] public static partial int cuDeviceGetDefaultMemPool(nint* pool, int device);
    [LibraryImport(Library)] public static partial int cuMemPoolSetAttribute(nint pool, int attribute, void* value);
    [LibraryImport(Library)] public static partial int cuMemAllocAsync(ulong* pointer, nuint bytes, nint stream);
    [LibraryImport(Library)] public static partial int cuMemFreeAsync(ulong pointer, nint stream);
    [LibraryImport(Library, EntryPoint = "cuMemcpyHtoDAsync_v2")] public static partial int cuMemcpyHtoDAsync(ulong target, void* source, nuint bytes, nint stream);
    [LibraryImport(Library, EntryPoint = "cuMemcpyDtoHAsync_v2")] public static partial int cuMemcpyDtoHAsync(void* target, ulong source, nuint bytes, nint stream);
    [LibraryImport(Library)] public static partial int cuEventCreate(nint* @event, uint flags);
    [LibraryImport(Library)] public static partial int cuEventRecord(nint @event, nint stream);
    [LibraryImport(Library)] public static partial int cuEventSynchronize(nint @event);
    [LibraryImport(Library)] public static partial int cuEventElapsedTime(float* milliseconds, nint start, nint end);
    [LibraryImport(Library, EntryPoint = "cuEventDestroy_v2")] public static partial int cuEventDestroy(nint @event);
    [LibraryImport(Library)] private static partial int cuGetErrorName(int result, nint* name);
    [LibraryImport(Library)] private static partial int cuGetErrorString(int result, nint* text);
}
