using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace Sieve.Host.Onnx.Bridge;

/// <summary>
/// ONNX Runtime's C function table (<c>OrtApi</c>, version 31), fetched from the same native library the managed
/// package uses. The C# API has no managed custom operators; this table is how Sieve registers them. Every call that
/// returns an <c>OrtStatus*</c> goes through <see cref="Check"/>.
/// </summary>
internal static unsafe class OrtApiTable
{
    public const uint ApiVersion = 31;
    private const int OrtFail = 1;

    /// <summary>The function table; fields are read in place (never copy the 3 KB struct).</summary>
    public static readonly OrtApi Api = Load();

    private static OrtApi Load()
    {
        // Same resolver as the managed package, so the same libonnxruntime instance.
        var library = NativeLibrary.Load("onnxruntime", typeof(OrtEnv).Assembly, DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories);
        var getApiBase = (delegate* unmanaged[Cdecl]<OrtApiBase*>)NativeLibrary.GetExport(library, "OrtGetApiBase");
        var apiBase = getApiBase();
        var getApi = (delegate* unmanaged[Cdecl]<uint, nint>)apiBase->GetApi;
        var api = getApi(ApiVersion);
        if (api == 0)
        {
            throw new InvalidOperationException($"The loaded ONNX Runtime does not offer C API version {ApiVersion}.");
        }
        return Marshal.PtrToStructure<OrtApi>(api);
    }

    /// <summary>Throws with ORT's message (and <paramref name="what"/>) if <paramref name="status"/> is an error; releases it.</summary>
    public static void Check(nint status, string what)
    {
        if (status == 0)
        {
            return;
        }
        string message;
        try
        {
            message = Marshal.PtrToStringUTF8(((delegate* unmanaged[Cdecl]<nint, nint>)Api.GetErrorMessage)(status)) ?? "unknown error";
        }
        finally
        {
            ((delegate* unmanaged[Cdecl]<nint, void>)Api.ReleaseStatus)(status);
        }
        throw new OrtBridgeException($"{what}: {message}");
    }

    /// <summary>Creates an error status for ORT to report (ORT takes ownership).</summary>
    public static nint CreateError(string message)
    {
        var text = Marshal.StringToCoTaskMemUTF8(message);
        try
        {
            return ((delegate* unmanaged[Cdecl]<int, nint, nint>)Api.CreateStatus)(OrtFail, text);
        }
        finally
        {
            Marshal.FreeCoTaskMem(text);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct OrtApiBase
    {
        public nint GetApi;
        public nint GetVersionString;
    }
}
