using System.Text;

namespace Sieve.Host.Onnx.Bridge;

/// <summary>A node's attributes during kernel creation (<c>OrtKernelInfo*</c>); valid only inside that callback.</summary>
internal readonly unsafe struct OrtKernelInfo(nint info)
{
    private readonly nint _info = info;

    public long GetInt(string name, long fallback)
    {
        long value;
        fixed (byte* text = Utf8(name))
        {
            return Release(((delegate* unmanaged[Cdecl]<nint, byte*, long*, nint>)OrtApiTable.Api.KernelInfoGetAttribute_int64)(_info, text, &value)) ? value : fallback;
        }
    }

    public float GetFloat(string name, float fallback)
    {
        float value;
        fixed (byte* text = Utf8(name))
        {
            return Release(((delegate* unmanaged[Cdecl]<nint, byte*, float*, nint>)OrtApiTable.Api.KernelInfoGetAttribute_float)(_info, text, &value)) ? value : fallback;
        }
    }

    public string GetString(string name, string fallback)
    {
        var getString = (delegate* unmanaged[Cdecl]<nint, byte*, byte*, nuint*, nint>)OrtApiTable.Api.KernelInfoGetAttribute_string;
        fixed (byte* text = Utf8(name))
        {
            nuint size = 0;
            if (!Release(getString(_info, text, null, &size)) || size == 0)
            {
                return fallback;
            }
            var buffer = new byte[(int)size];
            fixed (byte* bytes = buffer)
            {
                OrtApiTable.Check(getString(_info, text, bytes, &size), $"reading attribute {name}");
            }
            return Encoding.UTF8.GetString(buffer, 0, Math.Max(0, (int)size - 1));
        }
    }

    /// <summary>The node's name, or "?" if ORT cannot say.</summary>
    public string SafeNodeName()
    {
        var getName = (delegate* unmanaged[Cdecl]<nint, byte*, nuint*, nint>)OrtApiTable.Api.KernelInfo_GetNodeName;
        nuint size = 0;
        if (!Release(getName(_info, null, &size)) || size == 0)
        {
            return "?";
        }
        var buffer = new byte[(int)size];
        fixed (byte* bytes = buffer)
        {
            if (!Release(getName(_info, bytes, &size)))
            {
                return "?";
            }
        }
        return Encoding.UTF8.GetString(buffer, 0, Math.Max(0, (int)size - 1));
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text + "\0");

    /// <summary>Releases a status; true when it was success.</summary>
    private static bool Release(nint status)
    {
        if (status == 0)
        {
            return true;
        }
        ((delegate* unmanaged[Cdecl]<nint, void>)OrtApiTable.Api.ReleaseStatus)(status);
        return false;
    }
}
